package org.glanceconvert.daemon;

import java.time.Duration;
import java.time.Instant;

/**
 * When a cloud with notifications polls: at the safety interval while notifications flow, at the
 * normal interval while they do not, and at once after the bus (re)connects — Glance drops the
 * events it cannot send, so a poll covers the time the broker was away.
 */
final class PollPace {
    private final Duration normal;
    private final Duration safety;
    private Instant last;
    private boolean now = true;

    PollPace(Duration normal, Duration safety) {
        this.normal = normal;
        this.safety = safety;
    }

    synchronized boolean due(Instant at, boolean notificationsFlow) {
        if (now || last == null) {
            return true;
        }
        Duration interval = notificationsFlow ? safety : normal;
        return !at.isBefore(last.plus(interval));
    }

    synchronized void polled(Instant startedAt) {
        last = startedAt;
        now = false;
    }

    synchronized void pollSoon() {
        now = true;
    }
}
