package org.glanceconvert.daemon;

import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import org.glanceconvert.config.DaemonConfig;
import org.glanceconvert.image.Limits;
import org.glanceconvert.log.ConversionLog;
import org.glanceconvert.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every cloud's workers share: configuration, identity, clock, log, metrics and threads. */
final class Services {
    private static final Logger LOG = LoggerFactory.getLogger(Services.class);

    final DaemonConfig config;
    final CopyIds ids;
    final Claimant self;
    final Clock clock;
    final Metrics metrics;
    final ConversionLog log;
    final Limits limits;
    final RetryGate retryGate;
    final ExecutorService producers;
    final Heartbeats heartbeats;
    final WorkDir workDir;
    final OncePerProcess once = new OncePerProcess(100_000);
    /** Set on shutdown: no new work starts; work cut short is left to be resumed. */
    volatile boolean stopping;

    Services(DaemonConfig config, Claimant self, Clock clock, Metrics metrics, ConversionLog log,
             ExecutorService producers, Heartbeats heartbeats) {
        this.config = config;
        this.ids = new CopyIds(config.idNamespace());
        this.self = self;
        this.clock = clock;
        this.metrics = metrics;
        this.log = log;
        this.limits = Limits.DEFAULT.withMaxVirtualSize(config.maxVirtualSize());
        this.retryGate = new RetryGate(config.retry());
        this.producers = producers;
        this.heartbeats = heartbeats;
        this.workDir = new WorkDir(config.workDir(), config.workDirMinFree());
    }

    boolean dryRun() {
        return config.dryRun();
    }

    /** Appends the decision to the conversion log (and the logger) and counts it. */
    void record(RecordDraft draft) {
        var record = draft.build(clock);
        if (record.action() != null) {
            metrics.decided(record.cloud(), record.action());
        }
        try {
            log.append(record);
        } catch (IOException e) {
            LOG.error("cannot write the conversion log {}: {}", log.file(), e.getMessage());
        }
    }

    /** Counts one image in flight until closed. */
    java.io.Closeable inFlight() {
        AutoCloseable handle = metrics.inFlight();
        return () -> {
            try {
                handle.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Worker threads for one conversion's compression. */
    int threadsPerConversion() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / config.concurrency());
    }
}
