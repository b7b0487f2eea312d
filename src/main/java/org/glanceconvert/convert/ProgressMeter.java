package org.glanceconvert.convert;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.glanceconvert.format.WriteProgress;

/** Counts virtual bytes done against a total and says how fast; the shared part of the reporters. */
abstract class ProgressMeter implements WriteProgress {
    private final long total;
    private final long started = System.nanoTime();
    private final AtomicLong done = new AtomicLong();

    ProgressMeter(long total) {
        this.total = total;
    }

    @Override
    public final void advanced(long virtualBytes) {
        long now = done.addAndGet(virtualBytes);
        update(now, now >= total);
    }

    /** Called after each advance with the bytes done so far. */
    abstract void update(long done, boolean complete);

    long total() {
        return total;
    }

    double percent(long bytes) {
        return total == 0 ? 100.0 : Math.min(100.0, 100.0 * bytes / total);
    }

    long elapsedNanos() {
        return System.nanoTime() - started;
    }

    String throughput(long bytes) {
        double seconds = Math.max(elapsedNanos(), 1) / 1e9;
        return human(bytes / seconds) + "/s";
    }

    static String human(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int unit = 0;
        while (bytes >= 1024 && unit < units.length - 1) {
            bytes /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
    }
}
