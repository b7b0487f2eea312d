package org.glanceconvert.glance;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLException;

/**
 * Which failures of a Glance or Keystone call are worth repeating, and how long to wait: capped
 * exponential backoff with jitter (replicas that failed together do not retry together).
 */
public record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff, Sleeper sleeper) {

    /** Waits; replaced in tests so they run at full speed. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30), d -> Thread.sleep(d.toMillis()));
    }

    public RetryPolicy withSleeper(Sleeper s) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff, s);
    }

    public RetryPolicy withAttempts(int n) {
        return new RetryPolicy(n, initialBackoff, maxBackoff, sleeper);
    }

    /** Transient: a 5xx/429, a timeout, a refused or reset connection, a body cut short. */
    public static boolean isTransient(IOException e) {
        if (e instanceof GlanceException g) {
            return g.isTransient();
        }
        if (e instanceof KeystoneException k) {
            return k.isTransient();
        }
        if (e instanceof ChecksumMismatchException) {
            return false;
        }
        if (e instanceof SSLException && !(e.getMessage() != null && e.getMessage().contains("reset"))) {
            return false; // certificate problems do not heal by themselves
        }
        if (e instanceof UnknownHostException) {
            return true; // DNS hiccups do heal
        }
        return e instanceof SocketTimeoutException
                || e instanceof ConnectException
                || e instanceof NoRouteToHostException
                || e instanceof SocketException
                || e instanceof EOFException
                || e instanceof TruncatedDownloadException
                || (e instanceof InterruptedIOException && !(Thread.currentThread().isInterrupted()))
                || (e.getMessage() != null && (e.getMessage().contains("unexpected end of stream")
                        || e.getMessage().contains("Connection reset")
                        || e.getMessage().contains("closed")));
    }

    /** Sleeps before try number {@code attempt + 1} (attempt counts from 1). */
    public void backoff(int attempt) throws InterruptedIOException {
        long cap = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(20, attempt - 1));
        long millis = cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
        try {
            sleeper.sleep(Duration.ofMillis(millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }

}
