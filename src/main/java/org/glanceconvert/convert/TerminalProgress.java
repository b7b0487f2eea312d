package org.glanceconvert.convert;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code -p} on a terminal: one line rewritten in place (carriage return) with the percentage
 * and throughput, at most five times a second, ended with a newline at 100%.
 */
public final class TerminalProgress extends ProgressMeter {
    private static final long INTERVAL_NANOS = 200_000_000L;
    private final PrintWriter out;
    private long lastPrinted = Long.MIN_VALUE;
    private boolean finished;

    public TerminalProgress(PrintWriter out, long total) {
        super(total);
        this.out = out;
    }

    @Override
    synchronized void update(long done, boolean complete) {
        long now = elapsedNanos();
        if (finished || (!complete && lastPrinted != Long.MIN_VALUE && now - lastPrinted < INTERVAL_NANOS)) {
            return;
        }
        lastPrinted = now;
        out.printf(Locale.ROOT, "\r    (%6.2f/100%%)  %s", percent(done), throughput(done));
        if (complete) {
            out.println();
            finished = true;
        }
        out.flush();
    }
}
