package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.glanceconvert.config.RetrySettings;
import org.junit.jupiter.api.Test;

class RetryGateTest {
    private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
    private final RetryGate gate = new RetryGate(new RetrySettings(3, Duration.ofSeconds(30), Duration.ofMinutes(1)));

    @Test
    void backsOffDoublingUpToTheMaximumThenGivesUp() {
        assertEquals(Duration.ofSeconds(30), gate.backoff(1));
        assertEquals(Duration.ofSeconds(60), gate.backoff(2));
        assertEquals(Duration.ofSeconds(60), gate.backoff(7));
        assertEquals(RetryGate.Verdict.LATER, gate.judge(1, T, T.plusSeconds(29)));
        assertEquals(RetryGate.Verdict.NOW, gate.judge(1, T, T.plusSeconds(30)));
        assertEquals(RetryGate.Verdict.LATER, gate.judge(2, T, T.plusSeconds(59)));
        assertEquals(RetryGate.Verdict.NOW, gate.judge(2, T, T.plusSeconds(60)));
        assertEquals(RetryGate.Verdict.GIVE_UP, gate.judge(3, T, T.plusSeconds(3600)));
        assertEquals(RetryGate.Verdict.NOW, gate.judge(0, null, T));
    }
}
