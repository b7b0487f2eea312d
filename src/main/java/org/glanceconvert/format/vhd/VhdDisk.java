package org.glanceconvert.format.vhd;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.format.raw.RawDisk;
import org.glanceconvert.image.BlockMappedDisk;
import org.glanceconvert.image.BoundedCache;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.image.Zeros;

/**
 * A dynamic VHD as a virtual disk: each BAT entry locates a block, stored as a sector bitmap
 * followed by the block's data. A sector whose bitmap bit is set is data; a clear bit means the
 * sector was never written and reads as zero (the spec's meaning for a disk without a parent);
 * an unallocated block reads as zero. BAT pages and bitmaps are cached within
 * {@link Limits#maxCacheBytes()}. A fixed VHD is raw data in front of its footer, and opens as a
 * {@link RawDisk} of that data.
 */
public final class VhdDisk extends BlockMappedDisk {
    private static final int SECTOR = 512;

    private final VhdLayout layout;
    private final long bitmapSize;
    private final BoundedCache<Long, byte[]> bitmaps;

    private VhdDisk(ByteSource source, VhdLayout layout, long cacheBytes) {
        super(source, layout.virtualSize(), layout.header().blockSize());
        this.layout = layout;
        this.bitmapSize = layout.header().bitmapSize();
        this.bitmaps = new BoundedCache<>((int) Math.max(4, Math.min(1 << 16, cacheBytes / bitmapSize)));
    }

    /**
     * Opens a VHD. Refuses, with the first problem's check, anything the inspector would call
     * unsafe (a parent, a checksum mismatch), so that a reader misused without inspection still
     * never returns a wrong disk.
     */
    public static VirtualDisk open(ByteSource source, Limits limits) throws IOException {
        VhdLayout layout = VhdLayout.read(source, limits, null);
        if (layout.fixed()) {
            return new RawDisk(source, layout.virtualSize());
        }
        return new VhdDisk(source, layout, limits.maxCacheBytes() / 2);
    }

    public VhdLayout layout() {
        return layout;
    }

    @Override
    protected void readBlock(long block, long inBlock, ByteBuffer part) throws IOException {
        long start = layout.bat().blockStart(block);
        if (start < 0) {
            Zeros.fill(part);
            return;
        }
        byte[] bitmap = bitmap(block, start);
        readRuns(start + bitmapSize, inBlock, part, at -> runAt(bitmap, at));
    }

    @Override
    protected Extent extentAt(long pos) throws IOException {
        long block = pos / blockSize;
        long blockEnd = Math.min(size, (block + 1) * blockSize);
        long start = layout.bat().blockStart(block);
        if (start < 0) {
            return Extent.unallocated(pos, blockEnd - pos);
        }
        long inBlock = pos - block * blockSize;
        Run run = runAt(bitmap(block, start), inBlock);
        long end = Math.min(blockEnd, block * blockSize + run.end());
        return run.stored() ? Extent.data(pos, end - pos, start + bitmapSize + inBlock)
                : Extent.unallocated(pos, end - pos);
    }

    /** The run of sectors sharing the bitmap bit of the sector holding byte {@code inBlock}. */
    private Run runAt(byte[] bitmap, long inBlock) {
        int sector = (int) (inBlock / SECTOR);
        boolean present = bit(bitmap, sector);
        int sectors = (int) (blockSize / SECTOR);
        int s = sector + 1;
        while (s < sectors) {
            if ((s & 7) == 0 && s + 8 <= sectors) {
                int b = bitmap[s >>> 3] & 0xff;
                if (b == (present ? 0xff : 0)) {
                    s += 8;
                    continue;
                }
            }
            if (bit(bitmap, s) != present) {
                break;
            }
            s++;
        }
        return new Run((long) s * SECTOR, present);
    }

    /** Bits are most significant first: bit 7 of byte 0 is the block's first sector. */
    private static boolean bit(byte[] bitmap, int sector) {
        return (bitmap[sector >>> 3] & (0x80 >>> (sector & 7))) != 0;
    }

    private byte[] bitmap(long block, long start) throws IOException {
        int sectors = (int) (blockSize / SECTOR);
        return bitmaps.get(block, b -> source.readBytes(start, (sectors + 7) / 8));
    }
}
