package org.glanceconvert.config;

import java.time.Duration;

/**
 * How often a failed conversion is tried again and how long to wait in between (doubling from
 * {@code backoff} up to {@code maxBackoff}).
 */
public record RetrySettings(int attempts, Duration backoff, Duration maxBackoff) {
}
