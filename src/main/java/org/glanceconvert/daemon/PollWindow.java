package org.glanceconvert.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * Where a poll starts and how far the horizon may move afterwards. Pure.
 *
 * <p>A poll lists every active image with {@code updated_at >= horizon - overlap}. The overlap
 * absorbs what a strict horizon would lose: Glance compares whole seconds, clocks of API nodes and
 * of this host differ, and a transaction may commit an earlier {@code updated_at} after a later
 * one was listed. Re-seeing an image is harmless (decisions are recorded and idempotent).
 *
 * <p>After a poll the horizon moves to the time the poll started (an image updated after that
 * is listed next time), but never past an image still queued, in progress or waiting for a
 * retry in this process: if the process dies, the next one lists it again. It never moves back.
 */
public record PollWindow(Duration overlap) {

    public PollWindow {
        if (overlap.isNegative()) {
            throw new IllegalArgumentException("overlap must not be negative");
        }
    }

    /** The {@code updated_at >= } bound of the next listing. */
    public Instant listFrom(Instant horizon) {
        return horizon.minus(overlap);
    }

    /**
     * The horizon after a complete poll that started at {@code pollStarted}.
     *
     * @param pending {@code updated_at} of every image this process has not finished with
     */
    public Instant advance(Instant current, Instant pollStarted, Collection<Instant> pending) {
        Instant next = pollStarted;
        for (Instant p : pending) {
            if (p != null && p.isBefore(next)) {
                next = p;
            }
        }
        return next.isAfter(current) ? next : current;
    }
}
