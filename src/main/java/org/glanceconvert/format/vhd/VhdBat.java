package org.glanceconvert.format.vhd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.glanceconvert.image.BoundedCache;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.FileRegion;
import org.glanceconvert.image.ImageFormatException;

/**
 * The block allocation table of a dynamic VHD: one big-endian 32-bit sector number per block, or
 * 0xFFFFFFFF for a block that is not allocated. Entries are read lazily through a bounded page
 * cache, and every entry is bounds-checked when it is used: the block (its sector bitmap followed
 * by its data) must lie inside the data area and clear of the footer copy, the dynamic header and
 * the BAT itself.
 */
public final class VhdBat {
    private static final int PAGE_BYTES = 4096;
    private static final int PAGE_ENTRIES = PAGE_BYTES / 4;

    private final ByteSource source;
    private final long tableOffset;
    private final int entries;
    private final long blockSize;
    private final long bitmapSize;
    private final long dataEnd;
    private final List<FileRegion> reserved;
    private final BoundedCache<Integer, int[]> pages;

    /**
     * @param dataEnd   where block data must end (the trailing footer, or the end of the file)
     * @param reserved  structures no block may overlap
     * @param cacheBytes how much of the table to keep in memory
     */
    public VhdBat(ByteSource source, long tableOffset, int entries, long blockSize, long bitmapSize,
                  long dataEnd, List<FileRegion> reserved, long cacheBytes) {
        this.source = source;
        this.tableOffset = tableOffset;
        this.entries = entries;
        this.blockSize = blockSize;
        this.bitmapSize = bitmapSize;
        this.dataEnd = dataEnd;
        this.reserved = List.copyOf(reserved);
        this.pages = new BoundedCache<>((int) Math.max(4, Math.min(1 << 16, cacheBytes / PAGE_BYTES)));
    }

    public int entries() {
        return entries;
    }

    public long tableOffset() {
        return tableOffset;
    }

    /** Bytes the table occupies. */
    public long tableBytes() {
        return entries * 4L;
    }

    /** Bytes one allocated block occupies in the file: its bitmap and its data. */
    public long blockSpan() {
        return bitmapSize + blockSize;
    }

    /**
     * File offset of block {@code index}'s sector bitmap (its data follows the bitmap), or -1
     * when the block is not allocated or lies beyond the table.
     *
     * @throws ImageFormatException when the entry points outside the data area or into metadata
     */
    public long blockStart(long index) throws IOException {
        if (index < 0 || index >= entries) {
            return -1;
        }
        long entry = rawEntry((int) index);
        if (entry == VhdDynamicHeader.UNUSED_ENTRY) {
            return -1;
        }
        long start = entry * 512;
        checkBlock(index, start);
        return start;
    }

    private void checkBlock(long index, long start) throws ImageFormatException {
        long end = start + blockSpan();
        if (end > dataEnd) {
            throw new ImageFormatException(Check.VHD_BAT, "BAT entry " + index + " puts block data at "
                    + start + ".." + end + ", past the end of the data area at " + dataEnd);
        }
        FileRegion r = FileRegion.firstOverlapping(reserved, start, end);
        if (r != null) {
            throw new ImageFormatException(Check.VHD_BAT, "BAT entry " + index + " puts a block at "
                    + start + " over the " + r.what() + " (" + r.start() + ".." + r.end() + ")");
        }
    }

    private long rawEntry(int index) throws IOException {
        int[] page = pages.get(index / PAGE_ENTRIES, this::readPage);
        return Integer.toUnsignedLong(page[index % PAGE_ENTRIES]);
    }

    private int[] readPage(int page) throws IOException {
        int first = page * PAGE_ENTRIES;
        int count = Math.min(PAGE_ENTRIES, entries - first);
        ByteBuffer buf = ByteBuffer.allocate(count * 4);
        source.readFully(tableOffset + first * 4L, buf);
        buf.flip();
        int[] values = new int[count];
        buf.asIntBuffer().get(values);
        return values;
    }

    /**
     * Checks every entry: inside the data area, clear of metadata, and no two blocks sharing
     * bytes. Memory is one int per allocated block, bounded by the table size already accepted.
     *
     * @return the number of allocated blocks
     */
    public int validateAll() throws IOException {
        int[] starts = new int[Math.min(entries, 1024)];
        int allocated = 0;
        for (int first = 0; first < entries; first += PAGE_ENTRIES * 16) {
            int count = Math.min(PAGE_ENTRIES * 16, entries - first);
            ByteBuffer buf = ByteBuffer.allocate(count * 4);
            source.readFully(tableOffset + first * 4L, buf);
            buf.flip();
            for (int i = 0; i < count; i++) {
                long entry = Integer.toUnsignedLong(buf.getInt());
                if (entry == VhdDynamicHeader.UNUSED_ENTRY) {
                    continue;
                }
                checkBlock(first + i, entry * 512);
                if (allocated == starts.length) {
                    starts = Arrays.copyOf(starts, (int) Math.min(entries, starts.length * 2L));
                }
                // Flipping the sign bit makes a signed sort order these unsigned sector numbers.
                starts[allocated++] = (int) entry ^ Integer.MIN_VALUE;
            }
        }
        Arrays.sort(starts, 0, allocated);
        long span = blockSpan();
        for (int i = 1; i < allocated; i++) {
            long previous = Integer.toUnsignedLong(starts[i - 1] ^ Integer.MIN_VALUE) * 512;
            long current = Integer.toUnsignedLong(starts[i] ^ Integer.MIN_VALUE) * 512;
            if (current < previous + span) {
                throw new ImageFormatException(Check.VHD_BAT, "two BAT entries put blocks at " + previous
                        + " and " + current + ", which overlap (each block takes " + span + " bytes)");
            }
        }
        return allocated;
    }
}
