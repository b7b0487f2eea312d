package org.glanceconvert.format.vhdx;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.BlockMappedDisk;
import org.glanceconvert.image.BoundedCache;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.Zeros;

/**
 * A VHDX as a virtual disk. Fully present blocks are data where the BAT says; zero blocks read as
 * zero; not present, undefined and unmapped blocks are unallocated and read as zero (as qemu reads
 * them). A partially present block consults its chunk's sector bitmap block: set bits are data,
 * clear bits read as zero as there is no parent. BAT pages and bitmap pieces are cached within
 * {@link Limits#maxCacheBytes()}.
 */
public final class VhdxDisk extends BlockMappedDisk {
    private static final int BITMAP_PIECE = 4096;

    private final VhdxLayout layout;
    private final VhdxBat bat;
    private final long sectorSize;
    private final BoundedCache<Long, byte[]> bitmapPieces;

    private VhdxDisk(ByteSource source, VhdxLayout layout, long cacheBytes) {
        super(source, layout.virtualSize(), layout.bat().blockSize());
        this.layout = layout;
        this.bat = layout.bat();
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
    protected void readBlock(long block, long inBlock, ByteBuffer part) throws IOException {
        long entry = bat.payloadEntry(block);
        switch (VhdxBat.state(entry)) {
            case VhdxBat.PAYLOAD_FULLY_PRESENT -> source.readFully(VhdxBat.fileOffset(entry) + inBlock, part);
            case VhdxBat.PAYLOAD_PARTIALLY_PRESENT -> readRuns(VhdxBat.fileOffset(entry), inBlock, part,
                    at -> runAt(block, at));
            default -> Zeros.fill(part);
        }
    }

    /** The run of sectors sharing the sector bitmap bit of the sector holding byte {@code inBlock}. */
    private Run runAt(long block, long inBlock) throws IOException {
        long sector = inBlock / sectorSize;
        boolean present = bitmapBit(block, sector);
        long sectors = blockSize / sectorSize;
        long s = sector + 1;
        while (s < sectors && bitmapBit(block, s) == present) {
            s++;
        }
        return new Run(s * sectorSize, present);
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
    protected Extent extentAt(long pos) throws IOException {
        long block = pos / blockSize;
        long inBlock = pos % blockSize;
        long blockEnd = Math.min(size, (block + 1) * blockSize);
        long entry = bat.payloadEntry(block);
        return switch (VhdxBat.state(entry)) {
            case VhdxBat.PAYLOAD_FULLY_PRESENT -> Extent.data(pos, blockEnd - pos, VhdxBat.fileOffset(entry) + inBlock);
            case VhdxBat.PAYLOAD_ZERO -> Extent.zero(pos, blockEnd - pos);
            case VhdxBat.PAYLOAD_PARTIALLY_PRESENT -> {
                Run run = runAt(block, inBlock);
                long end = Math.min(blockEnd, block * blockSize + run.end());
                yield run.stored() ? Extent.data(pos, end - pos, VhdxBat.fileOffset(entry) + inBlock)
                        : Extent.unallocated(pos, end - pos);
            }
            default -> Extent.unallocated(pos, blockEnd - pos);
        };
    }
}
