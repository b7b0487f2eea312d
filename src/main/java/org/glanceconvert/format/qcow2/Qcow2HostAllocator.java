package org.glanceconvert.format.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.glanceconvert.convert.ChannelWrites;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * Hands out host space of an image written front to back, and keeps its refcounts exact.
 *
 * <p>Space is only ever taken at the end: whole clusters for tables and uncompressed data,
 * byte ranges packed one after another for compressed clusters (qemu packs them the same way).
 * Every cluster a range touches gets one reference per range, which is what QEMU's check
 * counts. Because nothing behind the allocation point can gain a reference any more, the
 * refcount block of each group of clusters is final as soon as the allocation point leaves the
 * group; it is written then, at the end of the file, and only the open groups stay in memory.
 * {@link #finish} places the refcount table and the last blocks, which refer to themselves.
 */
final class Qcow2HostAllocator {
    private final FileChannel out;
    private final int clusterBits;
    private final long clusterSize;
    private final int entriesPerBlock;
    private final TreeMap<Long, short[]> openBlocks = new TreeMap<>();
    private final ByteBuffer blockBuffer;
    private long[] blockOffsets = new long[16];
    private long cursor;
    private long firstOpenBlock;

    Qcow2HostAllocator(FileChannel out, Qcow2WriteSettings settings) {
        this.out = out;
        this.clusterBits = settings.clusterBits();
        this.clusterSize = settings.clusterSize();
        this.entriesPerBlock = settings.refcountEntries();
        this.blockBuffer = ByteBuffer.allocateDirect(settings.clusterSize());
    }

    /** The next free byte: the end of everything allocated so far. */
    long end() {
        return cursor;
    }

    /** Takes {@code count} contiguous whole clusters; returns the offset of the first. */
    long allocateClusters(long count) throws IOException {
        long start = alignUp(cursor);
        cursor = start + count * clusterSize;
        for (long c = start >>> clusterBits; c < cursor >>> clusterBits; c++) {
            reference(c);
        }
        closeFinishedBlocks();
        return start;
    }

    /**
     * Takes {@code length} bytes (at most one cluster) right after the previous allocation, for
     * a compressed cluster; they may straddle two host clusters.
     */
    long allocateBytes(int length) throws IOException {
        if (length <= 0 || length > clusterSize) {
            throw new IllegalArgumentException("bad compressed length " + length);
        }
        if ((cursor & (clusterSize - 1)) != 0 && refcount(cursor >>> clusterBits) >= Qcow2WriteSettings.MAX_REFCOUNT) {
            cursor = alignUp(cursor); // a 16-bit refcount is full: continue in a fresh cluster
        }
        long start = cursor;
        cursor += length;
        for (long c = start >>> clusterBits; c <= (cursor - 1) >>> clusterBits; c++) {
            reference(c);
        }
        closeFinishedBlocks();
        return start;
    }

    /**
     * Places the refcount table and the refcount blocks still open after everything else, with
     * references for themselves, and writes them.
     *
     * @return the refcount table's offset and its size in clusters
     */
    long[] finish() throws IOException {
        long first = alignUp(cursor) >>> clusterBits;
        long tableClusters = 1;
        long blocks;
        long totalBlocks;
        while (true) {
            blocks = 0;
            while (true) {
                long end = first + tableClusters + blocks;
                totalBlocks = ceilDiv(end, entriesPerBlock);
                long needed = totalBlocks - firstOpenBlock;
                if (needed == blocks) {
                    break;
                }
                blocks = needed;
            }
            long neededTable = Math.max(1, ceilDiv(totalBlocks * 8, clusterSize));
            if (neededTable <= tableClusters) {
                break;
            }
            tableClusters = neededTable;
        }
        if (totalBlocks * 8 > Qcow2WriteSettings.MAX_REFCOUNT_TABLE_BYTES) {
            throw new ImageFormatException(Check.LIMITS_TABLE_SIZE, "the qcow2 output would need a refcount table of "
                    + totalBlocks * 8 + " bytes, more than qemu's limit of "
                    + Qcow2WriteSettings.MAX_REFCOUNT_TABLE_BYTES + "; choose a larger cluster_size");
        }
        long tableOffset = first << clusterBits;
        long end = first + tableClusters + blocks;
        for (long c = first; c < end; c++) {
            reference(c);
        }
        cursor = end << clusterBits;
        long blockCluster = first + tableClusters;
        for (long b = firstOpenBlock; b < totalBlocks; b++) {
            writeBlock(b, blockCluster++ << clusterBits);
        }
        writeTable(tableOffset, tableClusters, totalBlocks);
        return new long[] {tableOffset, tableClusters};
    }

    private void closeFinishedBlocks() throws IOException {
        // A cluster at or after the allocation point may still gain references; those before may not.
        long lastOpenCluster = cursor >>> clusterBits;
        while (firstOpenBlock < lastOpenCluster / entriesPerBlock) {
            long blockOffset = alignUp(cursor);
            cursor = blockOffset + clusterSize;
            reference(blockOffset >>> clusterBits);
            writeBlock(firstOpenBlock, blockOffset);
            lastOpenCluster = cursor >>> clusterBits;
        }
    }

    private void writeBlock(long block, long offset) throws IOException {
        short[] counts = openBlocks.remove(block);
        if (counts == null) {
            throw new IllegalStateException("refcount block " + block + " has no references");
        }
        if (block != firstOpenBlock) {
            throw new IllegalStateException("refcount blocks written out of order");
        }
        if (block >= Qcow2WriteSettings.MAX_REFCOUNT_TABLE_BYTES / 8) {
            throw new ImageFormatException(Check.LIMITS_TABLE_SIZE, "the qcow2 output outgrows qemu's "
                    + Qcow2WriteSettings.MAX_REFCOUNT_TABLE_BYTES + "-byte refcount table limit; choose a larger"
                    + " cluster_size");
        }
        ByteBuffer b = blockBuffer.clear();
        for (int i = 0; i < counts.length; i++) {
            b.putShort(i * 2, counts[i]);
        }
        ChannelWrites.writeFully(out, b, offset);
        if (block >= blockOffsets.length) {
            blockOffsets = Arrays.copyOf(blockOffsets, (int) Math.max(block + 1, blockOffsets.length * 2L));
        }
        blockOffsets[(int) block] = offset;
        firstOpenBlock++;
    }

    private void writeTable(long offset, long clusters, long blocks) throws IOException {
        ByteBuffer table = ByteBuffer.allocateDirect((int) (clusters * clusterSize));
        for (int i = 0; i < blocks; i++) {
            table.putLong(i * 8, blockOffsets[i]);
        }
        ChannelWrites.writeFully(out, table, offset);
    }

    private void reference(long cluster) {
        long block = cluster / entriesPerBlock;
        if (block < firstOpenBlock) {
            throw new IllegalStateException("cluster " + cluster + " referenced after its refcount block was written");
        }
        short[] counts = openBlocks.computeIfAbsent(block, b -> new short[entriesPerBlock]);
        int i = (int) (cluster % entriesPerBlock);
        if ((counts[i] & 0xffff) == Qcow2WriteSettings.MAX_REFCOUNT) {
            throw new IllegalStateException("refcount overflow at cluster " + cluster);
        }
        counts[i]++;
    }

    private int refcount(long cluster) {
        short[] counts = openBlocks.get(cluster / entriesPerBlock);
        return counts == null ? 0 : counts[(int) (cluster % entriesPerBlock)] & 0xffff;
    }

    private long alignUp(long offset) {
        return (offset + clusterSize - 1) & -clusterSize;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Open refcount blocks, for tests that check memory stays bounded. */
    Map<Long, short[]> openBlocksForTest() {
        return openBlocks;
    }
}
