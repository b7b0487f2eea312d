package org.glanceconvert.convert;

import java.util.Locale;
import org.glanceconvert.log.LogbackConfigurator;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Progress when no terminal is watching (the daemon, a redirected {@code convert}): an INFO log
 * line every {@code intervalSeconds}, so a long conversion shows it is alive without flooding the
 * log; short conversions log nothing but their end.
 */
public final class LoggedProgress extends ProgressMeter {
    private final String what;
    private final long intervalNanos;
    private long lastLogged;
    private boolean finished;

    public LoggedProgress(String what, long total, int intervalSeconds) {
        super(total);
        this.what = what;
        this.intervalNanos = intervalSeconds * 1_000_000_000L;
    }

    @Override
    synchronized void update(long done, boolean complete) {
        long now = elapsedNanos();
        if (finished) {
            return;
        }
        if (complete) {
            finished = true;
            if (!LogbackConfigurator.mayLog(Level.INFO)) {
                return;
            }
            LoggerFactory.getLogger(LoggedProgress.class).info(String.format(Locale.ROOT, "%s: done, %s in %.1f s (%s)", what, human(total()), now / 1e9,
                    throughput(done)));
        } else if (now - lastLogged >= intervalNanos) {
            lastLogged = now;
            if (!LogbackConfigurator.mayLog(Level.INFO)) {
                return;
            }
            LoggerFactory.getLogger(LoggedProgress.class).info(String.format(Locale.ROOT, "%s: %.1f%% of %s (%s)", what, percent(done), human(total()),
                    throughput(done)));
        }
    }
}
