package org.glanceconvert.format.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.VirtualDisk;

/**
 * Walks a virtual disk in aligned chunks (a grain, a block or part of one) and hands out, in
 * order, only the chunks that hold data: ranges the metadata says are zero or unallocated are
 * skipped without reading, and chunks whose bytes turn out to be all zero are dropped after
 * reading. This is what makes a mostly empty disk convert quickly into a small image.
 */
public final class NonZeroChunks {
    private final VirtualDisk disk;
    private final int chunkSize;
    private final WriteProgress progress;
    private final ExtentCursor extents;
    private Extent current;
    private long next;
    private long reported;

    /**
     * @param chunkSize alignment and size of every chunk; the last chunk of the disk may be shorter
     * @param progress  told of every virtual byte passed, written or skipped
     */
    public NonZeroChunks(VirtualDisk disk, int chunkSize, WriteProgress progress) throws IOException {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size " + chunkSize);
        }
        this.disk = disk;
        this.chunkSize = chunkSize;
        this.progress = progress;
        this.extents = disk.extents(0).coalesced();
    }

    /**
     * Reads the next chunk holding non-zero bytes into {@code buffer} (of at least the chunk size;
     * the part past the end of the disk is zero-filled) and returns its virtual offset, or -1 after
     * the last one.
     */
    public long next(byte[] buffer) throws IOException {
        long size = disk.size();
        while (next < size) {
            long dataStart = nextDataAtOrAfter(next);
            if (dataStart < 0) {
                next = size;
                break;
            }
            long start = dataStart - Math.floorMod(dataStart, (long) chunkSize);
            int length = (int) Math.min(chunkSize, size - start);
            disk.read(start, ByteBuffer.wrap(buffer, 0, length));
            next = start + length;
            report(next);
            if (!ZeroBytes.isZero(buffer, 0, length)) {
                if (length < chunkSize) {
                    Arrays.fill(buffer, length, chunkSize, (byte) 0);
                }
                return start;
            }
        }
        report(size);
        return -1;
    }

    /**
     * The first offset at or after {@code position} that metadata says may hold data, or -1. A
     * range the extents do not cover (a reader's gap or a cursor that stops short) counts as data:
     * reading it costs time, skipping it would lose bytes.
     */
    private long nextDataAtOrAfter(long position) throws IOException {
        long size = disk.size();
        long pos = position;
        while (pos < size) {
            if (current == null || current.end() <= pos) {
                current = extents.next();
                if (current == null) {
                    return pos;
                }
                continue;
            }
            if (current.start() > pos || current.kind() == Extent.Kind.DATA) {
                return pos;
            }
            pos = current.end();
            // Progress moves with the skipped range too, so -p does not stall on holes.
            report(Math.min(pos, size));
        }
        return -1;
    }

    private void report(long position) {
        if (position > reported) {
            progress.advanced(position - reported);
            reported = position;
        }
    }
}
