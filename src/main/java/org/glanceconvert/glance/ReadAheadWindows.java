package org.glanceconvert.glance;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Read-ahead for large sequential reads of a remote image: a large read (an eighth of a window
 * or more) near the end of a recent large read fetches the rest of its aligned window (e.g.
 * 8 MiB) in one request and keeps it, so the next reads, also those of other threads, are served
 * from memory. At most {@code maxWindows}
 * windows exist at once, fetched or in flight, so memory is bounded by
 * {@code maxWindows * windowSize}; readers of a window that is being fetched wait for that one
 * fetch. Reads that are not near a recent read (tables, scattered clusters) are not served here.
 *
 * <p>Why windows and not one streamed {@code Range: bytes=p-} GET consumed in order: the
 * conversion's two workers read consecutive chunks concurrently and finish them out of order, and
 * formats skip holes and jump between extents, so a single stream would need reordering buffers
 * and a fallback anyway; aligned windows serve any order within them, need no connection held
 * open between reads, keep Glance's per-request retry of a broken body, and cut the requests
 * eightfold, which is where the time went (one round trip per 1 MiB read).
 */
final class ReadAheadWindows {
    /** Fetches exactly bytes start..endInclusive (with its own retries). */
    interface Fetcher {
        byte[] fetch(long start, long endInclusive) throws IOException;
    }

    private static final int RECENT_READS = 4;

    private final long size;
    private final int windowSize;
    private final int maxWindows;
    private final Fetcher fetcher;
    /** Window index -> window, in access order (least recently used first); guarded by this. */
    private final Map<Long, Window> windows = new LinkedHashMap<>(8, 0.75f, true);
    /** Ends of the last few large reads, -1 when unused; guarded by this. */
    private final long[] recentEnds = new long[RECENT_READS];
    private int nextRecent;
    private int peakWindows;

    private static final class Window {
        final long start;
        final long end;
        final CompletableFuture<byte[]> data = new CompletableFuture<>();

        Window(long start, long end) {
            this.start = start;
            this.end = end;
        }
    }

    ReadAheadWindows(long size, int windowSize, int maxWindows, Fetcher fetcher) {
        if (windowSize <= 0 || maxWindows < 0) {
            throw new IllegalArgumentException("window size " + windowSize + ", windows " + maxWindows);
        }
        this.size = size;
        this.windowSize = windowSize;
        this.maxWindows = maxWindows;
        this.fetcher = fetcher;
        Arrays.fill(recentEnds, -1);
    }

    /**
     * Copies up to {@code n} bytes at {@code position} into {@code dst} from a window and returns
     * how many, or -1 when read-ahead does not serve this read (the caller fetches it exactly).
     */
    int read(long position, int n, ByteBuffer dst) throws IOException {
        if (maxWindows == 0 || n < windowSize / 8) {
            // Inspection and audit read tables and headers in blocks of up to a cluster, often one
            // after another: a window there would fetch the whole of a small image and defeat
            // range reads. Streaming passes (conversion chunks, digest) read 1 MiB or more.
            return -1;
        }
        long index = position / windowSize;
        Window w;
        boolean fetchHere = false;
        synchronized (this) {
            boolean sequential = nearRecentRead(position, n);
            recentEnds[nextRecent] = position + n;
            nextRecent = (nextRecent + 1) % RECENT_READS;
            w = windows.get(index);
            if (w == null) {
                if (!sequential || !makeRoom()) {
                    return -1;
                }
                w = new Window(position, Math.min(size, (index + 1) * windowSize));
                windows.put(index, w);
                peakWindows = Math.max(peakWindows, windows.size());
                fetchHere = true;
            } else if (position < w.start) {
                // The window was started further in by another reader; this read is just before it.
                return -1;
            }
        }
        byte[] bytes = fetchHere ? fill(index, w) : await(w);
        if (bytes == null) {
            return -1; // the reader that fetched the window failed and said why; this one tries on its own
        }
        int count = (int) Math.min(n, w.end - position);
        dst.put(bytes, (int) (position - w.start), count);
        return count;
    }

    /** Most windows held at once so far (tests check the memory bound with it). */
    synchronized int peakWindows() {
        return peakWindows;
    }

    synchronized void clear() {
        windows.clear();
    }

    private boolean nearRecentRead(long position, int n) {
        for (long end : recentEnds) {
            if (end >= 0 && Math.abs(position - end) <= n) {
                return true;
            }
        }
        return false;
    }

    /** Drops the least recently used fetched window if all slots are taken; false if all are in flight. */
    private boolean makeRoom() {
        if (windows.size() < maxWindows) {
            return true;
        }
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            if (it.next().data.isDone()) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    private byte[] fill(long index, Window w) throws IOException {
        try {
            byte[] bytes = fetcher.fetch(w.start, w.end - 1);
            w.data.complete(bytes);
            return bytes;
        } catch (IOException | RuntimeException | Error e) {
            synchronized (this) {
                windows.remove(index, w);
            }
            w.data.completeExceptionally(e);
            throw e;
        }
    }

    /** The window's bytes once fetched, null if its fetch failed. */
    private static byte[] await(Window w) throws IOException {
        try {
            return w.data.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for bytes " + w.start + "-" + (w.end - 1));
        } catch (ExecutionException e) {
            return null;
        }
    }
}
