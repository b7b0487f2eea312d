package org.glanceconvert.convert;

import org.glanceconvert.log.LogbackConfigurator;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Chooses, write by write, whether an output's aligned bulk data goes through the page cache or
 * around it with direct I/O, from what each path has been measured to take.
 *
 * <p>Why measure: which path is faster depends on the machine, not the image. On bare metal the
 * page cache absorbs writes at memory speed up to the kernel's dirty limits and then throttles
 * the writer to the device's speed, so it is never much slower than direct I/O. In a virtual
 * machine whose host takes back free guest memory (free-page reporting, ballooning, DAMON
 * reclaim), every page the page cache allocates can cost a host page fault: the same 4 GiB of
 * buffered writes took 1 s or 20 s on one guest, while direct I/O took 1.7 to 2.6 s every
 * time. On slow network storage direct I/O loses instead. So the first {@link #PROBE_BYTES} go
 * direct to learn the device's rate; then the page cache is used, in windows of
 * {@link #WINDOW_BYTES} (or {@link #WINDOW_NANOS} of time spent writing, whichever comes first),
 * until two windows in a row run at less than half the probe's rate; the rest of the file then
 * goes direct. A page cache that slow has been seen to stay slow, and one switch keeps the
 * behaviour easy to reason about. The half and the second window are margins against single
 * stalls (a window that closes on time can hold just one): a slow page cache was 10 to 50 times
 * slower, not twice, and with windows closed on time, confirming costs at most that time.
 *
 * <p>Rates are bytes per nanosecond spent inside the write calls, summed over the threads that
 * write, so both paths are measured the same way under the same concurrency. Thread-safe.
 */
final class WritePathChooser {
    static final long PROBE_BYTES = 16L << 20;
    static final long WINDOW_BYTES = 64L << 20;
    static final long WINDOW_NANOS = 100_000_000L;

    private final WriteCache mode;
    private long probeBytes;
    private long probeNanos;
    private long windowBytes;
    private long windowNanos;
    private int slowWindows;
    private boolean directForGood;

    WritePathChooser(WriteCache mode) {
        this.mode = mode;
    }

    /** Whether the next aligned write should go direct. */
    synchronized boolean direct() {
        return switch (mode) {
            case NONE -> true;
            case WRITEBACK -> false;
            case AUTO -> directForGood || probeBytes < PROBE_BYTES;
        };
    }

    /** Records a write of {@code bytes} that spent {@code nanos} in the system call. */
    synchronized void wrote(boolean direct, long bytes, long nanos) {
        if (mode != WriteCache.AUTO || directForGood) {
            return;
        }
        if (direct) {
            probeBytes += bytes;
            probeNanos += nanos;
            return;
        }
        windowBytes += bytes;
        windowNanos += nanos;
        if (windowBytes < WINDOW_BYTES && windowNanos < WINDOW_NANOS) {
            return;
        }
        double buffered = rate(windowBytes, windowNanos);
        double directRate = rate(probeBytes, probeNanos);
        slowWindows = buffered < directRate / 2 ? slowWindows + 1 : 0;
        if (slowWindows == 2) {
            directForGood = true;
            // Asked first: a logger would initialise logback, a large part of a short command's start-up.
            if (LogbackConfigurator.mayLog(Level.DEBUG)) {
                LoggerFactory.getLogger(WritePathChooser.class).debug(
                        "output: the page cache took {} MB/s, direct I/O {} MB/s; the rest goes direct",
                        Math.round(buffered * 1000), Math.round(directRate * 1000));
            }
        }
        windowBytes = 0;
        windowNanos = 0;
    }

    /** Whether the page cache was found too slow and everything goes direct from now on. */
    synchronized boolean switchedToDirect() {
        return directForGood;
    }

    private static double rate(long bytes, long nanos) {
        return bytes / (double) Math.max(1, nanos);
    }
}
