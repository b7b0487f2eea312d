package org.glanceconvert.image;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What every format reader produces: a disk of {@link #size()} bytes whose ranges are data, zero
 * or unallocated. Writers, {@code compare}, {@code map} and the content digest all work on this.
 *
 * <p>Implementations are safe for concurrent {@link #read} calls on different ranges, and keep
 * memory bounded whatever the virtual size (metadata is read lazily or through a bounded cache).
 * The {@link ByteSource} underneath belongs to whoever opened it: closing a disk releases its
 * caches, not the source.
 */
public interface VirtualDisk extends Closeable {

    /** Virtual size in bytes. */
    long size();

    /**
     * The extents from {@code offset} (inclusive) to the end of the disk, in order, without
     * reading data. The first one starts exactly at {@code offset}; together they cover the rest
     * of the disk with no gap.
     */
    ExtentCursor extents(long offset) throws IOException;

    /**
     * Fills {@code dst} with the virtual bytes from {@code offset}; unallocated and zero ranges
     * read as zeros. Reading past {@link #size()} is an error.
     *
     * @throws ImageFormatException if metadata met on the way is corrupt or unsafe
     */
    void read(long offset, ByteBuffer dst) throws IOException;

    /** The allocation unit (cluster, grain or block size), or 0 when the format has none. */
    default int clusterSize() {
        return 0;
    }

    /** Refuses a read of {@code length} bytes at {@code offset} that does not lie inside a disk of {@code size}. */
    static void checkInside(long offset, long length, long size) throws IOException {
        if (offset < 0 || length > size - offset) {
            throw new IOException("read past the end of the virtual disk: " + offset + "+" + length + " of " + size);
        }
    }
}
