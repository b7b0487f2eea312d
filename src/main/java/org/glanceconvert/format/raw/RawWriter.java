package org.glanceconvert.format.raw;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Set;
import org.glanceconvert.convert.ChannelWrites;
import org.glanceconvert.convert.Chunk;
import org.glanceconvert.convert.ChunkPipeline;
import org.glanceconvert.format.DiskFormatWriter;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.VirtualDisk;

/**
 * Writes the virtual disk as plain bytes. To a file the output is sparse: ranges the source
 * marks as holes and 4 KiB blocks that read all zero are skipped, leaving holes (4 KiB is the
 * block size of the usual file systems; qemu-img's default {@code -S} is the same). To a stream
 * every byte is written, zeros literally, strictly in order.
 */
public final class RawWriter implements DiskFormatWriter {
    /** Hole granularity of file output. */
    static final int BLOCK = 4096;

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public void validate(VirtualDisk source, WriteOptions options) throws ImageFormatException {
        options.requireOnly(name(), Set.of());
        if (options.compress()) {
            throw new ImageFormatException(Check.FORMAT_UNSUPPORTED, "raw output cannot be compressed (-c)");
        }
    }

    @Override
    public boolean streamable(WriteOptions options) {
        return true;
    }

    @Override
    public void write(VirtualDisk source, FileChannel out, WriteOptions options, WriteProgress progress)
            throws IOException {
        long size = source.size();
        ChunkPipeline pipeline = new ChunkPipeline(source,
                ChunkPipeline.Settings.of(BLOCK, options.threads(), true));
        pipeline.run(() -> chunk -> null, (Chunk chunk, Object ignored) -> {
            if (chunk.isHole()) {
                return;
            }
            int n = chunk.granules();
            int i = 0;
            while (i < n) {
                if (chunk.isZeroGranule(i)) {
                    i++;
                    continue;
                }
                int runStart = i;
                while (i < n && !chunk.isZeroGranule(i)) {
                    i++;
                }
                long from = (long) runStart * BLOCK;
                long to = Math.min(chunk.length(), (long) i * BLOCK);
                ByteBuffer run = chunk.data().position((int) from).limit((int) to);
                ChannelWrites.writeFully(out, run, chunk.start() + from);
            }
        }, progress);
        if (out.size() < size) {
            // FileChannel cannot extend a file without writing; one zero byte costs one block.
            ChannelWrites.writeFully(out, ByteBuffer.allocate(1), size - 1);
        } else if (out.size() > size) {
            out.truncate(size);
        }
    }

    @Override
    public void writeStream(VirtualDisk source, WritableByteChannel out, WriteOptions options, WriteProgress progress)
            throws IOException {
        ChunkPipeline pipeline = new ChunkPipeline(source,
                ChunkPipeline.Settings.of(BLOCK, options.threads(), false));
        pipeline.run(() -> chunk -> null, (Chunk chunk, Object ignored) -> {
            if (chunk.isHole()) {
                ChannelWrites.writeZeros(out, chunk.length());
            } else {
                ChannelWrites.writeFully(out, chunk.data());
            }
        }, progress);
    }
}
