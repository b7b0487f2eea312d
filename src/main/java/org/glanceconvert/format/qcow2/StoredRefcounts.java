package org.glanceconvert.format.qcow2;

import java.io.IOException;
import org.glanceconvert.image.BoundedCache;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;

/**
 * The refcounts the image stores (qcow2.txt "Host cluster management"), for any refcount_order
 * 0..6: entries narrower than a byte are packed from the least significant bit, wider ones are
 * big-endian. Refcount blocks are read through a bounded cache.
 */
final class StoredRefcounts {
    private final ByteSource source;
    private final Qcow2Geometry g;
    private final long[] table;
    private final BoundedCache<Long, byte[]> blocks;

    StoredRefcounts(ByteSource source, Qcow2Geometry g, long[] refcountTable, Limits limits) {
        this.source = source;
        this.g = g;
        this.table = refcountTable;
        this.blocks = new BoundedCache<>((int) Math.max(2, Math.min(1024, limits.maxCacheBytes() / g.clusterSize)));
    }

    /** Clusters the refcount table can describe. */
    long coveredClusters() {
        return table.length * g.refcountBlockEntries();
    }

    /** The refcount block covering refcount table entry {@code index}, or null when unallocated. */
    byte[] block(int index) throws IOException {
        long offset = table[index];
        if (offset == 0) {
            return null;
        }
        return blocks.get(offset, at -> SourceReads.readBytes(source, at, g.clusterSize, "refcount block at " + at));
    }

    /** The stored refcount of host cluster {@code cluster} (unsigned for 64-bit refcounts). */
    long get(long cluster) throws IOException {
        long perBlock = g.refcountBlockEntries();
        long index = cluster / perBlock;
        if (index >= table.length) {
            return 0;
        }
        byte[] block = block((int) index);
        return block == null ? 0 : entry(block, (int) (cluster % perBlock));
    }

    /** Entry {@code i} of a refcount block. */
    long entry(byte[] block, int i) {
        int order = g.refcountOrder;
        if (order < 3) {
            int bits = 1 << order;
            long bit = (long) i * bits;
            return (block[(int) (bit >>> 3)] >>> (bit & 7)) & ((1 << bits) - 1);
        }
        int width = 1 << (order - 3);
        int at = i * width;
        long value = 0;
        for (int k = 0; k < width; k++) {
            value = (value << 8) | (block[at + k] & 0xFF);
        }
        return value;
    }
}
