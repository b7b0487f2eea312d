package org.glanceconvert.format.vhdx;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.BoundedCache;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.image.Zeros;

/**
 * A VHDX as a virtual disk. Fully present blocks are data where the BAT says; zero blocks read as
 * zero; not present, undefined and unmapped blocks are unallocated and read as zero (as qemu reads
 * them). A partially present block consults its chunk's sector bitmap block: set bits are data,
 * clear bits read as zero as there is no parent. BAT pages and bitmap pieces are cached within
 * {@link Limits#maxCacheBytes()}.
 */
public final class VhdxDisk implements VirtualDisk {
    private static final int BITMAP_PIECE = 4096;

    private final ByteSource source;
    private final VhdxLayout layout;
    private final VhdxBat bat;
    private final long size;
    private final long blockSize;
    private final long sectorSize;
    private final BoundedCache<Long, byte[]> bitmapPieces;

    private VhdxDisk(ByteSource source, VhdxLayout layout, long cacheBytes) {
        this.source = source;
        this.layout = layout;
        this.bat = layout.bat();
        this.size = layout.virtualSize();
        this.blockSize = bat.blockSize();
        this.sectorSize = layout.metadata().logicalSectorSize();
        this.bitmapPieces = new BoundedCache<>((int) Math.max(4, Math.min(1 << 16, cacheBytes / BITMAP_PIECE)));
    }

    /**
     * Opens a VHDX. Refuses, with the first problem's check, anything the inspector would call
     * unsafe (a log to replay, a parent), so that a reader misused without inspection still never
     * returns a wrong disk.
     */
    public static VhdxDisk open(ByteSource source, Limits limits) throws IOException {
        VhdxLayout layout = VhdxLayout.read(source, limits, null);
        return new VhdxDisk(source, layout, limits.maxCacheBytes() / 2);
    }

    public VhdxLayout layout() {
        return layout;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int clusterSize() {
        return (int) blockSize;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        if (offset < 0 || offset + dst.remaining() > size) {
            throw new IOException("read past the end of the virtual disk: " + offset + "+" + dst.remaining()
                    + " of " + size);
        }
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
        long entry = bat.payloadEntry(block);
        switch (VhdxBat.state(entry)) {
            case VhdxBat.PAYLOAD_FULLY_PRESENT -> source.readFully(VhdxBat.fileOffset(entry) + inBlock, part);
            case VhdxBat.PAYLOAD_PARTIALLY_PRESENT -> {
                long pos = inBlock;
                long end = inBlock + part.remaining();
                while (pos < end) {
                    long sector = pos / sectorSize;
                    boolean present = bitmapBit(block, sector);
                    long runEnd = Math.min(end, runEnd(block, sector, present));
                    ByteBuffer run = part.slice(part.position(), (int) (runEnd - pos));
                    if (present) {
                        source.readFully(VhdxBat.fileOffset(entry) + pos, run);
                    } else {
                        Zeros.fill(run);
                    }
                    part.position(part.position() + (int) (runEnd - pos));
                    pos = runEnd;
                }
            }
            default -> Zeros.fill(part);
        }
    }

    /** Where, within the block, the run of sectors whose bit equals {@code present} ends. */
    private long runEnd(long block, long sector, boolean present) throws IOException {
        long sectors = blockSize / sectorSize;
        long s = sector + 1;
        while (s < sectors && bitmapBit(block, s) == present) {
            s++;
        }
        return s * sectorSize;
    }

    /** The sector bitmap bit of sector {@code sector} of {@code block}; bit 0 of byte 0 is a chunk's first sector. */
    private boolean bitmapBit(long block, long sector) throws IOException {
        long chunk = block / bat.chunkRatio();
        long bit = (block % bat.chunkRatio()) * (blockSize / sectorSize) + sector;
        long byteIndex = bit / 8;
        long piece = byteIndex / BITMAP_PIECE;
        long key = chunk * (VhdxBat.BITMAP_BLOCK_SIZE / BITMAP_PIECE) + piece;
        byte[] bytes = bitmapPieces.get(key, k -> {
            long entry = bat.bitmapEntry(chunk);
            if (VhdxBat.state(entry) != VhdxBat.BITMAP_PRESENT) {
                throw new ImageFormatException(Check.VHDX_BAT, "block " + block
                        + " is partially present but its chunk has no sector bitmap block");
            }
            return source.readBytes(VhdxBat.fileOffset(entry) + piece * BITMAP_PIECE, BITMAP_PIECE);
        });
        return (bytes[(int) (byteIndex % BITMAP_PIECE)] & (1 << (bit & 7))) != 0;
    }

    @Override
    public ExtentCursor extents(long offset) throws IOException {
        if (offset < 0 || offset > size) {
            throw new IOException("extent offset " + offset + " outside the virtual disk of " + size);
        }
        return new ExtentCursor() {
            private long pos = offset;

            @Override
            public Extent next() throws IOException {
                if (pos >= size) {
                    return null;
                }
                long block = pos / blockSize;
                long inBlock = pos % blockSize;
                long blockEnd = Math.min(size, (block + 1) * blockSize);
                long entry = bat.payloadEntry(block);
                Extent e = switch (VhdxBat.state(entry)) {
                    case VhdxBat.PAYLOAD_FULLY_PRESENT ->
                            Extent.data(pos, blockEnd - pos, VhdxBat.fileOffset(entry) + inBlock);
                    case VhdxBat.PAYLOAD_ZERO -> Extent.zero(pos, blockEnd - pos);
                    case VhdxBat.PAYLOAD_PARTIALLY_PRESENT -> {
                        long sector = inBlock / sectorSize;
                        boolean present = bitmapBit(block, sector);
                        long end = Math.min(blockEnd, block * blockSize + runEnd(block, sector, present));
                        yield present ? Extent.data(pos, end - pos, VhdxBat.fileOffset(entry) + inBlock)
                                : Extent.unallocated(pos, end - pos);
                    }
                    default -> Extent.unallocated(pos, blockEnd - pos);
                };
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
