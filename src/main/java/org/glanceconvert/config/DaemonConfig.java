package org.glanceconvert.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The daemon's configuration (config/glance-convert.yaml), validated.
 *
 * @param idNamespace    the per-deployment secret UUIDv5 namespace of the copies' image ids
 * @param workDirMinFree free bytes the work directory must keep; a conversion that would go
 *                       below fails alone
 * @param maxVirtualSize largest virtual disk accepted for inspection and conversion
 * @param lease          how long a claim on an image holds without a heartbeat before another
 *                       replica may take it over
 * @param shutdownGrace  how long SIGTERM waits for running conversions
 * @param startFrom      where polling starts when no horizon was saved yet: null for the time of
 *                       the first start (new images only), {@link java.time.Instant#EPOCH} for the
 *                       whole catalog, or a given time
 * @param pollOverlap    how far before the saved horizon each poll looks again (clock skew,
 *                       Glance's whole-second comparisons, late commits)
 */
public record DaemonConfig(
        Path source,
        List<CloudSettings> clouds,
        Path workDir,
        long workDirMinFree,
        int concurrency,
        Duration pollInterval,
        long maxVirtualSize,
        RetrySettings retry,
        Duration lease,
        Duration shutdownGrace,
        Path conversionLog,
        MetricsSettings metrics,
        LogFormat logFormat,
        UUID idNamespace,
        boolean dryRun,
        java.time.Instant startFrom,
        Duration pollOverlap) {

    public DaemonConfig {
        clouds = List.copyOf(clouds);
    }

    public DaemonConfig withDryRun(boolean dryRun) {
        return new DaemonConfig(source, clouds, workDir, workDirMinFree, concurrency, pollInterval, maxVirtualSize,
                retry, lease, shutdownGrace, conversionLog, metrics, logFormat, idNamespace, dryRun, startFrom, pollOverlap);
    }

    @Override
    public String toString() {
        // idNamespace is a secret: knowing it lets anyone predict the ids of future copies.
        return "DaemonConfig[" + source + ", clouds " + clouds.stream().map(CloudSettings::name).toList()
                + ", work_dir " + workDir + ", concurrency " + concurrency + ", poll " + pollInterval
                + (dryRun ? ", dry run" : "") + "]";
    }
}
