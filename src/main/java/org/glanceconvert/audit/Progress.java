package org.glanceconvert.audit;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress on stderr while the audit runs: on a terminal one line rewritten in place, otherwise
 * (a log, a pipe) a plain line every {@code interval}, so logs are not flooded.
 */
public final class Progress {
    private final PrintWriter err;
    private final boolean terminal;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long started;
    private long lastPrinted;

    public Progress(PrintWriter err, boolean terminal, long intervalNanos, LongSupplier nanoTime) {
        this.err = err;
        this.terminal = terminal;
        this.intervalNanos = intervalNanos;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
        this.lastPrinted = started;
    }

    /** Interactive when the JVM has a console; periodic lines every 10 s otherwise. */
    public static Progress forStderr(PrintWriter err) {
        boolean terminal = System.console() != null;
        return new Progress(err, terminal, terminal ? 200_000_000L : 10_000_000_000L, System::nanoTime);
    }

    /** Restarts the clock once the catalog is listed: the rate is of inspection, not of logging in. */
    public void start() {
        started = nanoTime.getAsLong();
        lastPrinted = started;
    }

    public void update(long done, long total) {
        long now = nanoTime.getAsLong();
        if (now - lastPrinted < intervalNanos) {
            return;
        }
        lastPrinted = now;
        String line = line(done, total, now);
        if (terminal) {
            err.print("\r" + line + "\u001b[K");
        } else {
            err.println(line);
        }
        err.flush();
    }

    public void finish(long done, long total) {
        if (terminal) {
            err.print("\r\u001b[K");
        }
        err.println(line(done, total, nanoTime.getAsLong()) + ", done");
        err.flush();
    }

    String line(long done, long total, long now) {
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        return String.format(Locale.ROOT, "audit: %d/%d images, %.1f images/s, %.0f s", done, total, done / seconds, seconds);
    }
}
