package org.glanceconvert.convert;

import java.io.IOException;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.VirtualDisk;

/**
 * Turns a disk's extents into spans aligned to an output granule (a qcow2 cluster, a file-system
 * block): a granule with any DATA byte is a data granule, consecutive data granules are one
 * span, and the gaps between them are holes. Works from metadata only and keeps one extent of
 * look-ahead, so planning a 1 TiB sparse disk costs what its extent list costs.
 *
 * <p>Spans cover the disk in order with no gap; only the last may end off the granule grid
 * (at the disk's size).
 */
public final class SpanPlanner {
    /** Stop joining fragmented data runs here, so copying starts before the whole map is walked. */
    private static final long MAX_JOINED = 256L << 20;
    private final ExtentCursor extents;
    private final long granule;
    private final long size;
    private long pos;
    private Extent lookahead;
    private long dataStart = -1;
    private long dataEnd = -1;
    private boolean exhausted;
    private long covered;

    public SpanPlanner(VirtualDisk disk, long granule) throws IOException {
        if (granule <= 0 || Long.bitCount(granule) != 1) {
            throw new IllegalArgumentException("granule must be a power of two: " + granule);
        }
        this.extents = disk.extents(0).coalesced();
        this.granule = granule;
        this.size = disk.size();
    }

    /** The next span, or null after the last one. */
    public Span next() throws IOException {
        if (pos >= size) {
            return null;
        }
        if (dataStart < 0 && !exhausted) {
            nextDataRange();
        }
        Span span;
        if (dataStart < 0) {
            span = new Span(pos, size - pos, false);
        } else if (dataStart > pos) {
            span = new Span(pos, dataStart - pos, false);
        } else {
            span = new Span(pos, dataEnd - pos, true);
            dataStart = -1;
        }
        pos = span.end();
        return span;
    }

    /** Finds the next run of granules touched by DATA extents, joining runs that meet. */
    private void nextDataRange() throws IOException {
        while (true) {
            Extent e = lookahead;
            lookahead = null;
            if (e == null) {
                e = extents.next();
                if (e == null) {
                    if (covered < size) {
                        throw new IOException("the disk's extents end at " + covered + ", before its size " + size);
                    }
                    exhausted = true;
                    return;
                }
                if (e.start() != covered && covered < size) {
                    throw new IOException("the disk's extents skip from " + covered + " to " + e.start());
                }
                covered = e.end();
            }
            if (e.start() >= size) {
                exhausted = true;
                return;
            }
            if (e.kind() != Extent.Kind.DATA) {
                continue;
            }
            long s = Math.max(pos, e.start() & -granule);
            long t = Math.min(size, alignUp(e.end()));
            if (t <= s) {
                continue;
            }
            if (dataStart < 0) {
                dataStart = s;
                dataEnd = t;
            } else if (s <= dataEnd) {
                dataEnd = Math.max(dataEnd, t);
            } else {
                lookahead = e;
                return;
            }
            if (dataEnd - dataStart >= MAX_JOINED) {
                return;
            }
        }
    }

    private long alignUp(long value) {
        long r = (value + granule - 1) & -granule;
        return r < value ? Long.MAX_VALUE : r;
    }
}
