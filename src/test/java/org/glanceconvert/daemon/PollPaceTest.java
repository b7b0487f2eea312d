package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PollPaceTest {
    private static final Instant T0 = Instant.parse("2026-11-28T00:00:00Z");
    private final PollPace pace = new PollPace(Duration.ofMinutes(1), Duration.ofMinutes(10));

    @Test
    void safetyIntervalWhileNotificationsFlowNormalIntervalWhileNot() {
        assertTrue(pace.due(T0, true), "the first poll is at once");
        pace.polled(T0);
        assertFalse(pace.due(T0.plusSeconds(61), true));
        assertTrue(pace.due(T0.plusSeconds(61), false), "bus down: the normal interval");
        assertTrue(pace.due(T0.plus(Duration.ofMinutes(10)), true));
    }

    @Test
    void pollsAtOnceAfterTheBusReconnects() {
        pace.polled(T0);
        assertFalse(pace.due(T0.plusSeconds(5), true));
        pace.pollSoon();
        assertTrue(pace.due(T0.plusSeconds(5), true));
        pace.polled(T0.plusSeconds(5));
        assertFalse(pace.due(T0.plusSeconds(6), true));
    }
}
