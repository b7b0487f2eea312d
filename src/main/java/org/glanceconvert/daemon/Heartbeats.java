package org.glanceconvert.daemon;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.ImageNotFoundException;
import org.glanceconvert.glance.JsonPatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps claims alive: while a worker holds a copy, its {@code glance_convert_heartbeat} is
 * refreshed several times per lease. A copy that disappears means the claim was lost (another
 * replica judged it abandoned): the worker stops without touching the original.
 *
 * <p>Every PATCH of the copy goes through its {@link Beat}, one at a time: Glance applies a PATCH
 * by reading the whole image and writing it back, so two PATCHes in flight at once can undo each
 * other (a heartbeat racing the finishing PATCH put the claim's name back on a finished copy).
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

    /** A paused heartbeat; closing it resumes the beats. */
    @FunctionalInterface
    interface Paused extends AutoCloseable {
        @Override
        void close();
    }

    /** The claim was lost: the copy is gone. */
    static final class ClaimLostException extends IOException {
        private static final long serialVersionUID = 1L;

        ClaimLostException(String copyId) {
            super("copy " + copyId + " disappeared: another worker took the claim over");
        }
    }

    /** The heartbeat of one claim, and the one way to PATCH its copy. */
    final class Beat implements AutoCloseable, CopyPatcher {
        private final GlanceClient client;
        private final String copyId;
        private final Object lock = new Object();
        private volatile boolean lost;
        private volatile boolean uploading;
        private boolean closed;
        private ScheduledFuture<?> future;

        private Beat(GlanceClient client, String copyId) {
            this.client = client;
            this.copyId = copyId;
        }

        /** Beats now, e.g. right after an upload (Glance restores a copy's properties as they were when the upload began). */
        void now() throws IOException {
            patch(JsonPatch.create().set(Properties.HEARTBEAT, Long.toString(clock.instant().getEpochSecond())));
        }

        /** PATCHes the copy, never while another PATCH of it is in flight. */
        @Override
        public GlanceImage patch(JsonPatch patch) throws IOException {
            synchronized (lock) {
                try {
                    return client.patch(copyId, patch);
                } catch (ImageNotFoundException e) {
                    lost = true;
                    throw new ClaimLostException(copyId);
                }
            }
        }

        /**
         * Holds the heartbeat while the copy's data is uploaded: a PATCH during an upload races
         * Glance's own status change (queued → saving → active) and can leave the copy queued.
         * A copy in {@code saving} counts as alive instead (see {@link ClaimVerdict#isAlive}).
         */
        Paused uploading() {
            uploading = true;
            return () -> uploading = false;
        }

        /** Throws when the claim was lost. */
        void check() throws ClaimLostException {
            if (lost) {
                throw new ClaimLostException(copyId);
            }
        }

        private void safeBeat() {
            try {
                synchronized (lock) {
                    if (closed || uploading) {
                        return;
                    }
                    now();
                }
            } catch (ClaimLostException e) {
                LOG.warn("{}", e.getMessage());
            } catch (IOException | RuntimeException e) {
                LOG.warn("heartbeat of copy {} failed: {}", copyId, e.getMessage());
            }
        }

        /** Stops beating; returns once no heartbeat PATCH is in flight. */
        @Override
        public void close() {
            if (future != null) {
                future.cancel(false);
            }
            synchronized (lock) {
                closed = true;
            }
        }
    }
}
