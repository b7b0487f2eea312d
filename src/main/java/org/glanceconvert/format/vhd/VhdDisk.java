package org.glanceconvert.format.vhd;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.BoundedCache;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.image.Zeros;

/**
 * A fixed or dynamic VHD as a virtual disk.
 *
 * <p>Fixed: the virtual disk is the data in front of the footer; its holes are zero extents.
 * Dynamic: each BAT entry locates a block, stored as a sector bitmap followed by the block's
 * data. A sector whose bitmap bit is set is data; a clear bit means the sector was never written
 * and reads as zero (the spec's meaning for a disk without a parent); an unallocated block reads
 * as zero. BAT pages and bitmaps are cached within {@link Limits#maxCacheBytes()}.
 */
public final class VhdDisk implements VirtualDisk {
    private static final int SECTOR = 512;

    private final ByteSource source;
    private final VhdLayout layout;
    private final long size;
    private final BoundedCache<Long, byte[]> bitmaps;

    private VhdDisk(ByteSource source, VhdLayout layout, long cacheBytes) {
        this.source = source;
        this.layout = layout;
        this.size = layout.virtualSize();
        long bitmapBytes = layout.fixed() ? SECTOR : layout.header().bitmapSize();
        this.bitmaps = new BoundedCache<>((int) Math.max(4, Math.min(1 << 16, cacheBytes / bitmapBytes)));
    }

    /**
     * Opens a VHD. Refuses, with the first problem's check, anything the inspector would call
     * unsafe (a parent, a checksum mismatch), so that a reader misused without inspection still
     * never returns a wrong disk.
     */
    public static VhdDisk open(ByteSource source, Limits limits) throws IOException {
        VhdLayout layout = VhdLayout.read(source, limits, null);
        return new VhdDisk(source, layout, limits.maxCacheBytes() / 2);
    }

    public VhdLayout layout() {
        return layout;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int clusterSize() {
        return layout.fixed() ? 0 : (int) layout.header().blockSize();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        if (offset < 0 || offset + dst.remaining() > size) {
            throw new IOException("read past the end of the virtual disk: " + offset + "+" + dst.remaining()
                    + " of " + size);
        }
        if (layout.fixed()) {
            source.readFully(offset, dst);
            return;
        }
        long blockSize = layout.header().blockSize();
        long pos = offset;
        while (dst.hasRemaining()) {
            long block = pos / blockSize;
            long inBlock = pos % blockSize;
            int n = (int) Math.min(dst.remaining(), blockSize - inBlock);
            ByteBuffer part = dst.slice(dst.position(), n);
            readBlock(block, inBlock, part);
            dst.position(dst.position() + n);
            pos += n;
        }
    }

    private void readBlock(long block, long inBlock, ByteBuffer part) throws IOException {
        long start = layout.bat().blockStart(block);
        if (start < 0) {
            Zeros.fill(part);
            return;
        }
        byte[] bitmap = bitmap(block, start);
        long dataStart = start + layout.header().bitmapSize();
        long pos = inBlock;
        long end = inBlock + part.remaining();
        while (pos < end) {
            int sector = (int) (pos / SECTOR);
            boolean present = bit(bitmap, sector);
            long runEnd = Math.min(end, runEnd(bitmap, sector, present, layout.header().blockSize()));
            ByteBuffer run = part.slice(part.position(), (int) (runEnd - pos));
            if (present) {
                source.readFully(dataStart + pos, run);
            } else {
                Zeros.fill(run);
            }
            part.position(part.position() + (int) (runEnd - pos));
            pos = runEnd;
        }
    }

    /** Byte offset within the block where the run of sectors sharing {@code present} with {@code sector} ends. */
    private static long runEnd(byte[] bitmap, int sector, boolean present, long blockSize) {
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
        return (long) s * SECTOR;
    }

    /** Bits are most significant first: bit 7 of byte 0 is the block's first sector. */
    private static boolean bit(byte[] bitmap, int sector) {
        return (bitmap[sector >>> 3] & (0x80 >>> (sector & 7))) != 0;
    }

    private byte[] bitmap(long block, long start) throws IOException {
        int sectors = (int) (layout.header().blockSize() / SECTOR);
        return bitmaps.get(block, b -> source.readBytes(start, (sectors + 7) / 8));
    }

    @Override
    public ExtentCursor extents(long offset) throws IOException {
        if (offset < 0 || offset > size) {
            throw new IOException("extent offset " + offset + " outside the virtual disk of " + size);
        }
        return layout.fixed() ? fixedExtents(offset) : dynamicExtents(offset);
    }

    private ExtentCursor fixedExtents(long offset) {
        return new ExtentCursor() {
            private long pos = offset;

            @Override
            public Extent next() throws IOException {
                if (pos >= size) {
                    return null;
                }
                long data = Math.min(source.nextData(pos), size);
                Extent e;
                if (data > pos) {
                    e = new Extent(pos, data - pos, Extent.Kind.ZERO, pos);
                } else {
                    long hole = Math.min(Math.max(source.nextHole(pos), pos + 1), size);
                    e = Extent.data(pos, hole - pos, pos);
                }
                pos = e.end();
                return e;
            }
        };
    }

    private ExtentCursor dynamicExtents(long offset) {
        long blockSize = layout.header().blockSize();
        return new ExtentCursor() {
            private long pos = offset;

            @Override
            public Extent next() throws IOException {
                if (pos >= size) {
                    return null;
                }
                long block = pos / blockSize;
                long blockEnd = Math.min(size, (block + 1) * blockSize);
                long start = layout.bat().blockStart(block);
                Extent e;
                if (start < 0) {
                    e = Extent.unallocated(pos, blockEnd - pos);
                } else {
                    byte[] bitmap = bitmap(block, start);
                    long inBlock = pos % blockSize;
                    int sector = (int) (inBlock / SECTOR);
                    boolean present = bit(bitmap, sector);
                    long end = Math.min(blockEnd, block * blockSize + runEnd(bitmap, sector, present, blockSize));
                    e = present
                            ? Extent.data(pos, end - pos, start + layout.header().bitmapSize() + inBlock)
                            : Extent.unallocated(pos, end - pos);
                }
                pos = e.end();
                return e;
            }
        };
    }

    @Override
    public void close() {
        // The source belongs to whoever opened it (VirtualDisk contract).
    }
}
