package org.glanceconvert.image;

import java.io.IOException;

/**
 * Answers, for positions visited in increasing order, how far the disk reads as zero by its
 * metadata alone (zero or unallocated extents), without reading any data.
 */
public final class ZeroRuns {
    private final ExtentCursor cursor;
    private final long size;
    private Extent current;

    public ZeroRuns(VirtualDisk disk, long from) throws IOException {
        this.cursor = disk.extents(from).coalesced();
        this.size = disk.size();
        this.current = cursor.next();
    }

    /** The extent holding {@code position}; positions must not go backwards. Null past the end. */
    public Extent at(long position) throws IOException {
        while (current != null && current.end() <= position) {
            current = cursor.next();
        }
        return current;
    }

    /**
     * The end of the zero-reading run that starts at {@code position}, or {@code position}
     * itself when data is stored there.
     */
    public long zeroUntil(long position) throws IOException {
        long pos = position;
        Extent e = at(pos);
        while (e != null && e.kind().readsAsZero()) {
            pos = e.end();
            e = at(pos);
        }
        return Math.min(pos, size);
    }
}
