package org.glanceconvert.convert;

import java.io.IOException;
import java.nio.channels.FileChannel;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.VirtualDisk;

/**
 * Copies the data of a disk into an output file at the place its format gives each block: the
 * file output of raw, VHD, VHDX and monolithicSparse VMDK. Runs a {@link ChunkPipeline} with
 * 4 KiB granules: what the allocation map calls a hole is never read, a 4 KiB block that reads
 * all zero is never written (the file keeps a hole there), and a block is placed the first time
 * data is found in it, so a block holding only zeros is never allocated.
 */
public final class BlockCopier {
    /** Hole granularity: the block size of the usual file systems, and qemu-img's default {@code -S}. */
    public static final int GRANULE = 4096;

    /** Chooses where a block of the disk goes in the output file. */
    @FunctionalInterface
    public interface Placement {
        /**
         * The file offset of virtual block {@code block}'s first byte. Called once for each block
         * that holds data, in increasing block order, before any of its bytes is written.
         */
        long place(long block) throws IOException;
    }

    private final long blockSize;
    private final Placement placement;
    private long currentBlock;
    private long currentHost;

    private BlockCopier(long blockSize, Placement placement) {
        this.blockSize = blockSize;
        this.placement = placement;
    }

    /** Blocks of {@code blockSize} bytes (a multiple of {@link #GRANULE}), each where {@code placement} says. */
    public static BlockCopier placed(long blockSize, Placement placement) {
        if (blockSize <= 0 || blockSize % GRANULE != 0) {
            throw new IllegalArgumentException("block size " + blockSize + " is not a multiple of " + GRANULE);
        }
        return new BlockCopier(blockSize, placement);
    }

    /** Every byte at its virtual offset plus {@code base}: the disk as one block. */
    public static BlockCopier inPlace(long base) {
        return new BlockCopier(Long.MAX_VALUE, block -> base);
    }

    /** Copies every stored byte of {@code source} into {@code out}; reports progress per chunk. */
    public void copy(VirtualDisk source, FileChannel out, int threads, WriteProgress progress) throws IOException {
        WriteBatch batch = new WriteBatch(out);
        currentBlock = -1;
        ChunkPipeline pipeline = new ChunkPipeline(source, ChunkPipeline.Settings.of(GRANULE, threads, true));
        pipeline.run(() -> chunk -> null, (Chunk chunk, Object ignored) -> {
            chunk.forEachDataRun(blockSize, (start, bytes) -> {
                long block = start / blockSize;
                if (block != currentBlock) {
                    currentHost = placement.place(block);
                    currentBlock = block;
                }
                batch.add(currentHost + (start - block * blockSize), bytes);
            });
            // The chunk's buffer is reused once this returns.
            batch.flush();
        }, progress);
    }
}
