package org.glanceconvert.format.vmdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.image.ByteSource;

/**
 * A grain directory: one 32-bit entry per grain table, the table's sector offset in the file, 0
 * when the table is absent (all its grains unallocated). Its size is checked against
 * {@code Limits.maxTableBytes} before it is read.
 */
final class GrainDirectory {
    private final long offset;
    private final int[] entries;

    private GrainDirectory(long offset, int[] entries) {
        this.offset = offset;
        this.entries = entries;
    }

    /** Reads {@code count} entries at byte {@code offset}. */
    static GrainDirectory read(ByteSource source, long offset, int count) throws IOException {
        byte[] bytes = source.readBytes(offset, count * 4);
        int[] entries = new int[count];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(entries);
        return new GrainDirectory(offset, entries);
    }

    /** Byte offset of the directory in the file. */
    long offset() {
        return offset;
    }

    int size() {
        return entries.length;
    }

    /** Byte offset of grain table {@code index}, or 0 when it is absent. */
    long tableOffset(int index) {
        return Integer.toUnsignedLong(entries[index]) * SparseExtentHeader.SECTOR;
    }
}
