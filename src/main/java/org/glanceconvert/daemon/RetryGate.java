package org.glanceconvert.daemon;

import java.time.Duration;
import java.time.Instant;
import org.glanceconvert.config.RetrySettings;

/**
 * Whether an image recorded as {@code failed} is tried again now. Pure. Attempt {@code n} failed
 * (the {@code glance_convert_attempt} on the original); the next try waits {@code backoff},
 * doubling per attempt up to {@code max_backoff}, counted from the image's {@code updated_at}
 * (the failure was the last write). After {@code attempts} attempts the image stays failed.
 * A claim abandoned by a crashed process counts as an attempt too, so an image that kills the
 * daemon every time stops being tried.
 */
public final class RetryGate {
    /** The verdict. */
    public enum Verdict { NOW, LATER, GIVE_UP }

    private final RetrySettings settings;

    public RetryGate(RetrySettings settings) {
        this.settings = settings;
    }

    public Verdict judge(int failedAttempts, Instant updatedAt, Instant now) {
        if (failedAttempts >= settings.attempts()) {
            return Verdict.GIVE_UP;
        }
        if (updatedAt == null) {
            return Verdict.NOW;
        }
        return updatedAt.plus(backoff(failedAttempts)).isAfter(now) ? Verdict.LATER : Verdict.NOW;
    }

    /** The wait after {@code failedAttempts} failures (at least one). */
    public Duration backoff(int failedAttempts) {
        Duration d = settings.backoff();
        for (int i = 1; i < failedAttempts && d.compareTo(settings.maxBackoff()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : d;
    }

    public int attempts() {
        return settings.attempts();
    }
}
