package org.glanceconvert.image;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A disk whose format maps its virtual range block by block (VHD, VHDX and VDI blocks, VMDK
 * grains, qcow2 clusters): each block is stored at some place in the image file, stored in part
 * (runs of a sector bitmap), or not stored and read as zero. A subclass says what one block holds;
 * the walk over blocks, the bounds of reads and the extent cursor are here.
 */
public abstract class BlockMappedDisk implements VirtualDisk {
    /** A run of a block's bytes that are all stored or all not, and where it ends within the block. */
    public record Run(long end, boolean stored) {
    }

    /** Says which run of a partly stored block holds a byte. */
    @FunctionalInterface
    public interface Runs {
        /** The run holding byte {@code inBlock} of the block (it starts at or before it). */
        Run at(long inBlock) throws IOException;
    }

    protected final ByteSource source;
    protected final long size;
    protected final long blockSize;

    protected BlockMappedDisk(ByteSource source, long size, long blockSize) {
        this.source = source;
        this.size = size;
        this.blockSize = blockSize;
    }

    @Override
    public final long size() {
        return size;
    }

    @Override
    public int clusterSize() {
        return (int) blockSize;
    }

    /** Fills {@code dst} one block's part at a time ({@link #readBlock}). */
    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        VirtualDisk.checkInside(offset, dst.remaining(), size);
        long pos = offset;
        while (dst.hasRemaining()) {
            long block = pos / blockSize;
            long inBlock = pos - block * blockSize;
            int n = (int) Math.min(dst.remaining(), blockSize - inBlock);
            int at = dst.position();
            readBlock(block, inBlock, dst.slice(at, n));
            dst.position(at + n);
            pos += n;
        }
    }

    /** The extents from {@code offset}, one {@link #extentAt} after the other. */
    @Override
    public ExtentCursor extents(long offset) {
        return ExtentCursor.walking(offset, size, this::extentAt);
    }

    /** Fills all of {@code part} with the bytes of block {@code block} from {@code inBlock}. */
    protected abstract void readBlock(long block, long inBlock, ByteBuffer part) throws IOException;

    /** The extent that starts at {@code position}; it may end anywhere after it. */
    protected abstract Extent extentAt(long position) throws IOException;

    /** Fills {@code part} from file offset {@code host}, or with zeros when {@code host} is negative (not stored). */
    protected final void storedOrZeros(long host, ByteBuffer part) throws IOException {
        if (host < 0) {
            Zeros.fill(part);
        } else {
            source.readFully(host, part);
        }
    }

    /**
     * Fills {@code part} with the bytes of a partly stored block from {@code inBlock}: stored runs
     * from {@code blockData} (the file offset of the block's first byte) on, the others zeros.
     */
    protected final void readRuns(long blockData, long inBlock, ByteBuffer part, Runs runs) throws IOException {
        long pos = inBlock;
        long end = inBlock + part.remaining();
        while (pos < end) {
            Run run = runs.at(pos);
            long runEnd = Math.min(end, run.end());
            int n = (int) (runEnd - pos);
            int at = part.position();
            storedOrZeros(run.stored() ? blockData + pos : -1, part.slice(at, n));
            part.position(at + n);
            pos = runEnd;
        }
    }

    @Override
    public void close() {
        // The source belongs to whoever opened it (VirtualDisk contract); caches go with the disk.
    }
}
