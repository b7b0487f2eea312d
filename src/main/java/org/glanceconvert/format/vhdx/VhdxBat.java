package org.glanceconvert.format.vhdx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.glanceconvert.image.BoundedCache;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.FileRegion;
import org.glanceconvert.image.ImageFormatException;

/**
 * The VHDX block allocation table: 64-bit entries, a payload entry per block with a sector bitmap
 * entry after every chunk ratio of them. An entry's low three bits are its state, bits 20-63 the
 * file offset in MiB. Entries are read lazily through a bounded page cache and checked when used:
 * a present block lies after the header section, inside the file (the part of a last block beyond
 * the virtual size may be missing, as qemu has written such files) and clear of the log and the
 * regions.
 */
public final class VhdxBat {
    public static final int PAYLOAD_NOT_PRESENT = 0;
    public static final int PAYLOAD_UNDEFINED = 1;
    public static final int PAYLOAD_ZERO = 2;
    public static final int PAYLOAD_UNMAPPED = 3;
    /** The value draft 0.95 of the spec gave "unmapped"; qemu still reads it as such. */
    public static final int PAYLOAD_UNMAPPED_V095 = 5;
    public static final int PAYLOAD_FULLY_PRESENT = 6;
    public static final int PAYLOAD_PARTIALLY_PRESENT = 7;
    public static final int BITMAP_NOT_PRESENT = 0;
    public static final int BITMAP_PRESENT = 6;
    public static final long BITMAP_BLOCK_SIZE = 1 << 20;
    private static final long MiB = 1 << 20;
    private static final long OFFSET_MASK = 0xFFFFFFFFFFF00000L;
    private static final int PAGE_BYTES = 4096;
    private static final int PAGE_ENTRIES = PAGE_BYTES / 8;

    private final ByteSource source;
    private final long tableOffset;
    private final long entries;
    private final long blockSize;
    private final long chunkRatio;
    private final long virtualSize;
    private final long fileSize;
    private final boolean hasParent;
    private final List<FileRegion> reserved;
    private final BoundedCache<Long, long[]> pages;

    public VhdxBat(ByteSource source, long tableOffset, long entries, long blockSize, long chunkRatio,
                   long virtualSize, long fileSize, boolean hasParent, List<FileRegion> reserved, long cacheBytes) {
        this.source = source;
        this.tableOffset = tableOffset;
        this.entries = entries;
        this.blockSize = blockSize;
        this.chunkRatio = chunkRatio;
        this.virtualSize = virtualSize;
        this.fileSize = fileSize;
        this.hasParent = hasParent;
        this.reserved = List.copyOf(reserved);
        this.pages = new BoundedCache<>((int) Math.max(4, Math.min(1 << 16, cacheBytes / PAGE_BYTES)));
    }

    /**
     * Entries the BAT must have: for dynamic and fixed files up to the last payload block, for
     * differencing files up to the sector bitmap entry of the last chunk.
     */
    public static long entryCount(long virtualSize, long blockSize, long chunkRatio, boolean hasParent) {
        long payloadBlocks = (virtualSize + blockSize - 1) / blockSize;
        if (payloadBlocks == 0) {
            return 0;
        }
        if (hasParent) {
            long chunks = (payloadBlocks + chunkRatio - 1) / chunkRatio;
            return chunks * (chunkRatio + 1);
        }
        return payloadBlocks + (payloadBlocks - 1) / chunkRatio;
    }

    public static int state(long entry) {
        return (int) (entry & 7);
    }

    /** The entry's file offset in bytes. */
    public static long fileOffset(long entry) {
        return entry & OFFSET_MASK;
    }

    public long entries() {
        return entries;
    }

    public long blockSize() {
        return blockSize;
    }

    public long chunkRatio() {
        return chunkRatio;
    }

    /** The BAT index of payload block {@code block}: a sector bitmap entry follows every chunk of them. */
    public static long payloadIndex(long block, long chunkRatio) {
        return block + block / chunkRatio;
    }

    /** The payload entry of virtual block {@code block}, checked when it locates data. */
    public long payloadEntry(long block) throws IOException {
        long index = payloadIndex(block, chunkRatio);
        long entry = rawEntry(index);
        int state = state(entry);
        if (state == PAYLOAD_FULLY_PRESENT || state == PAYLOAD_PARTIALLY_PRESENT) {
            checkPayload(index, block, entry);
        } else if (state == 4) {
            throw new ImageFormatException(Check.VHDX_BAT, "BAT entry " + index + " has the reserved state 4");
        }
        return entry;
    }

    /** The sector bitmap entry of chunk {@code chunk}, checked when it locates a bitmap block. */
    public long bitmapEntry(long chunk) throws IOException {
        long index = chunk * (chunkRatio + 1) + chunkRatio;
        if (index >= entries) {
            throw new ImageFormatException(Check.VHDX_BAT, "the BAT has no sector bitmap entry for chunk " + chunk);
        }
        long entry = rawEntry(index);
        checkBitmap(index, entry);
        return entry;
    }

    private void checkPayload(long index, long block, long entry) throws ImageFormatException {
        long start = fileOffset(entry);
        long needed = Math.min(blockSize, virtualSize - block * blockSize);
        if (start < MiB || start > fileSize || needed > fileSize - start) {
            throw new ImageFormatException(Check.VHDX_BAT, "BAT entry " + index + " puts block " + block + " at "
                    + Long.toUnsignedString(start) + ", which is not inside the " + fileSize + "-byte file");
        }
        checkReserved(index, start, start + roundUpMiB(needed));
    }

    private void checkBitmap(long index, long entry) throws ImageFormatException {
        int state = state(entry);
        if (state == BITMAP_NOT_PRESENT) {
            return;
        }
        if (state != BITMAP_PRESENT) {
            throw new ImageFormatException(Check.VHDX_BAT, "sector bitmap entry " + index + " has the reserved state "
                    + state);
        }
        long start = fileOffset(entry);
        if (start < MiB || start > fileSize || BITMAP_BLOCK_SIZE > fileSize - start) {
            throw new ImageFormatException(Check.VHDX_BAT, "sector bitmap entry " + index + " puts its block at "
                    + Long.toUnsignedString(start) + ", which is not inside the " + fileSize + "-byte file");
        }
        checkReserved(index, start, start + BITMAP_BLOCK_SIZE);
    }

    private void checkReserved(long index, long start, long end) throws ImageFormatException {
        FileRegion r = FileRegion.firstOverlapping(reserved, start, end);
        if (r != null) {
            throw new ImageFormatException(Check.VHDX_BAT, "BAT entry " + index + " puts a block at " + start
                    + " over the " + r.what() + " (" + r.start() + ".." + r.end() + ")");
        }
    }

    private static long roundUpMiB(long bytes) {
        return (bytes + MiB - 1) / MiB * MiB;
    }

    private long rawEntry(long index) throws IOException {
        long[] values = pages.get(index / PAGE_ENTRIES,
                page -> read(page * PAGE_ENTRIES, (int) Math.min(PAGE_ENTRIES, entries - page * PAGE_ENTRIES)));
        return values[(int) (index % PAGE_ENTRIES)];
    }

    private long[] read(long first, int count) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(count * 8).order(ByteOrder.LITTLE_ENDIAN);
        source.readFully(tableOffset + first * 8, buf);
        buf.flip();
        long[] values = new long[count];
        buf.asLongBuffer().get(values);
        return values;
    }

    /**
     * Checks every entry: states, placement, and that no two blocks share a MiB of the file.
     * Memory is one long per present block, bounded by the table size already accepted.
     *
     * @return the number of payload blocks that are present in the file
     */
    public long validateAll() throws IOException {
        long[] used = new long[(int) Math.min(entries, 1024)];
        int count = 0;
        long present = 0;
        for (long first = 0; first < entries; first += PAGE_ENTRIES * 16L) {
            int n = (int) Math.min(PAGE_ENTRIES * 16L, entries - first);
            long[] values = read(first, n);
            for (int i = 0; i < n; i++) {
                long index = first + i;
                long entry = values[i];
                long start;
                long length;
                if (index % (chunkRatio + 1) == chunkRatio) {
                    checkBitmap(index, entry);
                    if (state(entry) != BITMAP_PRESENT) {
                        continue;
                    }
                    start = fileOffset(entry);
                    length = BITMAP_BLOCK_SIZE;
                } else {
                    long block = index - index / (chunkRatio + 1);
                    int state = state(entry);
                    if (state == 4) {
                        throw new ImageFormatException(Check.VHDX_BAT, "BAT entry " + index + " has the reserved state 4");
                    }
                    if (state == PAYLOAD_PARTIALLY_PRESENT && !hasParent) {
                        throw new ImageFormatException(Check.VHDX_BAT, "BAT entry " + index + " marks block " + block
                                + " partially present, which only a differencing file may do");
                    }
                    if (state != PAYLOAD_FULLY_PRESENT && state != PAYLOAD_PARTIALLY_PRESENT) {
                        continue;
                    }
                    if (block * blockSize >= virtualSize) {
                        throw new ImageFormatException(Check.VHDX_BAT, "BAT entry " + index
                                + " allocates a block beyond the virtual size");
                    }
                    checkPayload(index, block, entry);
                    start = fileOffset(entry);
                    length = roundUpMiB(Math.min(blockSize, virtualSize - block * blockSize));
                    present++;
                }
                if (count == used.length) {
                    used = Arrays.copyOf(used, (int) Math.min(entries, used.length * 2L));
                }
                // The start in MiB (at most 44 bits) above, the length in MiB (at most 256) below.
                used[count++] = (start / MiB) << 9 | (length / MiB);
            }
        }
        Arrays.sort(used, 0, count);
        for (int i = 1; i < count; i++) {
            long previousStart = used[i - 1] >>> 9;
            long previousEnd = previousStart + (used[i - 1] & 511);
            long start = used[i] >>> 9;
            if (start < previousEnd) {
                throw new ImageFormatException(Check.VHDX_BAT, "two BAT entries put blocks at " + previousStart * MiB
                        + " and " + start * MiB + ", which overlap");
            }
        }
        return present;
    }
}
