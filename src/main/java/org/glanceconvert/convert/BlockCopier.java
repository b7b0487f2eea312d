package org.glanceconvert.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.VirtualDisk;

/**
 * Copies the data of a disk into an output file at the place its format gives each block: the
 * file output of raw, VHD, VHDX and monolithicSparse VMDK. Runs a {@link ChunkPipeline} with
 * 4 KiB granules: what the allocation map calls a hole is never read, a 4 KiB block that reads
 * all zero is never written (the file keeps a hole there), and a block is placed the first time
 * data is found in it, so a block holding only zeros is never allocated.
 *
 * <p>The workers write the data themselves, with positional writes at its final place, so the
 * kernel's copies into the page cache (most of a conversion's CPU) run on every core rather
 * than on one writing thread. Only the placement of new blocks is done in disk order (in the
 * chunks' turns); a disk copied in place needs no order at all.
 */
public final class BlockCopier {
    /** Hole granularity: the block size of the usual file systems, and QEMU's default {@code -S}. */
    public static final int GRANULE = 4096;

    /** Chooses where a block of the disk goes in the output file. */
    @FunctionalInterface
    public interface Placement {
        /**
         * The file offset of virtual block {@code block}'s first byte. Called once for each block
         * that holds data, in increasing block order, before any of its bytes is written, and
         * never by two threads at once.
         */
        long place(long block) throws IOException;
    }

    private final long blockSize;
    private final Placement placement;
    private final boolean inPlace;
    // Touched only in the chunks' turns (one thread at a time, in order).
    private long currentBlock;
    private long currentHost;

    private BlockCopier(long blockSize, Placement placement, boolean inPlace) {
        this.blockSize = blockSize;
        this.placement = placement;
        this.inPlace = inPlace;
    }

    /** Blocks of {@code blockSize} bytes (a multiple of {@link #GRANULE}), each where {@code placement} says. */
    public static BlockCopier placed(long blockSize, Placement placement) {
        if (blockSize <= 0 || blockSize % GRANULE != 0) {
            throw new IllegalArgumentException("block size " + blockSize + " is not a multiple of " + GRANULE);
        }
        return new BlockCopier(blockSize, placement, false);
    }

    /** Every byte at its virtual offset plus {@code base}: the disk as one block. */
    public static BlockCopier inPlace(long base) {
        return new BlockCopier(Long.MAX_VALUE, block -> base, true);
    }

    /** A chunk's runs and where they go, runs that follow each other in both joined into one write. */
    private static final class Writes {
        private final List<long[]> runs = new ArrayList<>();
        private long[] last;

        void add(long start, long host, int length) {
            if (last != null && last[0] + last[2] == start && last[1] + last[2] == host) {
                last[2] += length;
                return;
            }
            last = new long[] {start, host, length};
            runs.add(last);
        }

        void write(Chunk chunk, FileChannel out) throws IOException {
            ByteBuffer data = chunk.data();
            for (long[] run : runs) {
                ChannelWrites.writeFully(out, data.slice((int) (run[0] - chunk.start()), (int) run[2]), run[1]);
            }
        }
    }

    /** Copies every stored byte of {@code source} into {@code out}; reports progress per chunk. */
    public void copy(VirtualDisk source, FileChannel out, int threads, WriteProgress progress) throws IOException {
        currentBlock = -1;
        long base = inPlace ? placement.place(0) : 0;
        ChunkPipeline pipeline = new ChunkPipeline(source, ChunkPipeline.Settings.of(GRANULE, threads, true));
        pipeline.run(() -> chunk -> {
            if (inPlace) {
                chunk.forEachDataRun(blockSize, (start, bytes) -> ChannelWrites.writeFully(out, bytes, base + start));
                return null;
            }
            Writes writes = new Writes();
            chunk.inTurn(() -> chunk.forEachDataRun(blockSize, (start, bytes) -> {
                long block = start / blockSize;
                if (block != currentBlock) {
                    currentHost = placement.place(block);
                    currentBlock = block;
                }
                writes.add(start, currentHost + (start - block * blockSize), bytes.remaining());
            }));
            writes.write(chunk, out);
            return null;
        }, (Chunk chunk, Object ignored) -> { }, progress);
    }
}
