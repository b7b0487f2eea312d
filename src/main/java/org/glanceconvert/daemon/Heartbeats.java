package org.glanceconvert.daemon;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.ImageNotFoundException;
import org.glanceconvert.glance.JsonPatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps claims alive: while a worker holds a copy, its {@code glance_convert_heartbeat} is
 * refreshed several times per lease. A copy that disappears means the claim was lost (another
 * replica judged it abandoned): the worker stops without touching the original.
 */
final class Heartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Duration interval;

    Heartbeats(ScheduledExecutorService scheduler, Clock clock, Duration lease) {
        this.scheduler = scheduler;
        this.clock = clock;
        long millis = Math.max(1000, Math.min(60_000, lease.toMillis() / 4));
        this.interval = Duration.ofMillis(millis);
    }

    Beat start(GlanceClient client, String copyId) {
        Beat beat = new Beat(client, copyId);
        beat.future = scheduler.scheduleWithFixedDelay(beat::safeBeat, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return beat;
    }

    /** The claim was lost: the copy is gone. */
    static final class ClaimLostException extends IOException {
        private static final long serialVersionUID = 1L;

        ClaimLostException(String copyId) {
            super("copy " + copyId + " disappeared: another worker took the claim over");
        }
    }

    /** The heartbeat of one claim. */
    final class Beat implements AutoCloseable {
        private final GlanceClient client;
        private final String copyId;
        private volatile boolean lost;
        private ScheduledFuture<?> future;

        private Beat(GlanceClient client, String copyId) {
            this.client = client;
            this.copyId = copyId;
        }

        /** Beats now, e.g. right after an upload (Glance restores a copy's properties as they were when the upload began). */
        void now() throws IOException {
            try {
                client.patch(copyId, JsonPatch.create().set(Properties.HEARTBEAT, Long.toString(clock.instant().getEpochSecond())));
            } catch (ImageNotFoundException e) {
                lost = true;
                throw new ClaimLostException(copyId);
            }
        }

        /** Throws when the claim was lost. */
        void check() throws ClaimLostException {
            if (lost) {
                throw new ClaimLostException(copyId);
            }
        }

        private void safeBeat() {
            try {
                now();
            } catch (ClaimLostException e) {
                LOG.warn("{}", e.getMessage());
            } catch (IOException | RuntimeException e) {
                LOG.warn("heartbeat of copy {} failed: {}", copyId, e.getMessage());
            }
        }

        @Override
        public void close() {
            if (future != null) {
                future.cancel(false);
            }
        }
    }
}
