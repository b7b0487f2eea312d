package org.glanceconvert.format.vmdk;

import static org.glanceconvert.format.vmdk.SparseExtentHeader.SECTOR;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.BoundedCache;
import org.glanceconvert.image.BoundedPool;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.image.Zeros;

/**
 * A monolithicSparse or streamOptimized VMDK as a virtual disk: grain directory, then grain table,
 * then the grain, stored as is or zlib-compressed behind a grain marker. A table entry of 0 is an
 * unallocated grain and, when the header enables it, 1 is a grain that reads as zero.
 *
 * <p>Grain tables and inflated grains go through small bounded caches, so memory stays within
 * {@code Limits.maxCacheBytes} whatever the disk size; every grain location is checked against
 * the file and its metadata before it is read. Safe for concurrent reads.
 */
public final class VmdkDisk implements VirtualDisk {
    /** Inflated grains kept for reads that take a grain in several pieces. */
    private static final int MAX_CACHED_GRAINS = 8;
    /** Idle inflaters kept: about one per reading thread. */
    private static final int IDLE_INFLATERS = 8;

    private final SparseVmdk image;
    private final GrainTables tables;
    private final BoundedCache<Long, byte[]> inflated;
    private final BoundedPool<GrainInflater> inflaters = new BoundedPool<>(GrainInflater::new, IDLE_INFLATERS);
    private final long size;
    private final int grainBytes;
    private final boolean compressed;

    VmdkDisk(SparseVmdk image, Limits limits) {
        this.image = image;
        SparseExtentHeader header = image.effectiveHeader();
        this.size = header.capacityBytes();
        this.grainBytes = header.grainBytes();
        this.compressed = header.compressed();
        long budget = limits.maxCacheBytes();
        long grainBudget = compressed ? budget / 4 : 0;
        this.tables = new GrainTables(image, budget - grainBudget);
        this.inflated = new BoundedCache<>((int) Math.max(1, Math.min(MAX_CACHED_GRAINS, grainBudget / grainBytes)));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int clusterSize() {
        return grainBytes;
    }

    @Override
    public ExtentCursor extents(long offset) {
        return ExtentCursor.walking(offset, size, pos -> {
            long grain = pos / grainBytes;
            int table = (int) (grain / SparseExtentHeader.GTES_PER_GT);
            if (tables.absent(table)) {
                long end = Math.min(size, (table + 1L) * image.effectiveHeader().grainTableSpan());
                return Extent.unallocated(pos, end - pos);
            }
            return grainExtent(grain, pos, Math.min(size, (grain + 1) * grainBytes));
        }).coalesced();
    }

    private Extent grainExtent(long grain, long from, long to) throws IOException {
        int entry = tables.entry(grain);
        if (entry == 0) {
            return Extent.unallocated(from, to - from);
        }
        if (entry == 1 && image.zeroedGrains()) {
            return Extent.zero(from, to - from);
        }
        long start = Integer.toUnsignedLong(entry) * SECTOR;
        if (compressed) {
            image.checkGrainLocation(grain, start, StreamMarker.GRAIN_HEADER);
            return Extent.data(from, to - from, -1);
        }
        image.checkGrainLocation(grain, start, image.grainLength(grain));
        return Extent.data(from, to - from, start + (from - grain * grainBytes));
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        VirtualDisk.checkInside(offset, dst.remaining(), size);
        long pos = offset;
        while (dst.hasRemaining()) {
            long grain = pos / grainBytes;
            int within = (int) (pos - grain * grainBytes);
            int n = Math.min(dst.remaining(), grainBytes - within);
            int entry = tables.entry(grain);
            if (entry == 0 || (entry == 1 && image.zeroedGrains())) {
                Zeros.fill(dst, n);
            } else if (compressed && within == 0 && n == grainBytes) {
                // A whole grain (the usual case when converting): inflate it in place.
                int at = dst.position();
                inflate(grain, Integer.toUnsignedLong(entry), dst.slice(at, n));
                dst.position(at + n);
            } else if (compressed) {
                dst.put(inflatedGrain(grain, Integer.toUnsignedLong(entry)), within, n);
            } else {
                long start = Integer.toUnsignedLong(entry) * SECTOR;
                image.checkGrainLocation(grain, start, image.grainLength(grain));
                // grains laid out one after another in the file are read in one go
                long next = grain + 1;
                while (n < dst.remaining() && contiguous(next, start + (next - grain) * grainBytes)) {
                    n += Math.min(dst.remaining() - n, grainBytes);
                    next++;
                }
                int at = dst.position();
                image.source().readFully(start + within, dst.slice(at, n));
                dst.position(at + n);
            }
            pos += n;
        }
    }

    /** True when uncompressed grain {@code grain} is stored at byte {@code expected}; checks it. */
    private boolean contiguous(long grain, long expected) throws IOException {
        int entry = tables.entry(grain);
        if (entry == 0 || (entry == 1 && image.zeroedGrains())
                || Integer.toUnsignedLong(entry) * SECTOR != expected) {
            return false;
        }
        image.checkGrainLocation(grain, expected, image.grainLength(grain));
        return true;
    }

    private byte[] inflatedGrain(long grain, long sector) throws IOException {
        return inflated.get(grain, g -> {
            byte[] bytes = new byte[grainBytes];
            inflate(g, sector, ByteBuffer.wrap(bytes));
            return bytes;
        });
    }

    private void inflate(long grain, long sector, ByteBuffer out) throws IOException {
        GrainInflater codec = inflaters.acquire();
        try {
            CompressedGrain.read(image, grain, sector, codec, out);
        } finally {
            inflaters.release(codec);
        }
    }

    @Override
    public void close() {
        // The source belongs to whoever opened it (VirtualDisk contract); the inflaters are ours.
        inflaters.close();
    }
}
