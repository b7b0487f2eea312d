package org.glanceconvert.format.raw;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Set;
import org.glanceconvert.convert.BlockCopier;
import org.glanceconvert.convert.ChannelWrites;
import org.glanceconvert.convert.Chunk;
import org.glanceconvert.convert.ChunkPipeline;
import org.glanceconvert.format.DiskFormatWriter;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.VirtualDisk;

/**
 * Writes the virtual disk as plain bytes. To a file the output is sparse: ranges the source
 * marks as holes and 4 KiB blocks that read all zero are skipped, leaving holes
 * ({@link BlockCopier}). To a stream every byte is written, zeros literally, strictly in order.
 */
public final class RawWriter implements DiskFormatWriter {

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public void validate(VirtualDisk source, WriteOptions options) throws ImageFormatException {
        options.requireOnly(name(), Set.of());
        options.refuseCompression(name());
    }

    @Override
    public boolean streamable(WriteOptions options) {
        return true;
    }

    @Override
    public void write(VirtualDisk source, FileChannel out, WriteOptions options, WriteProgress progress)
            throws IOException {
        BlockCopier.inPlace(0).copy(source, out, options.threads(), progress);
        ChannelWrites.setLength(out, source.size());
    }

    @Override
    public void writeStream(VirtualDisk source, WritableByteChannel out, WriteOptions options, WriteProgress progress)
            throws IOException {
        ChunkPipeline pipeline = new ChunkPipeline(source,
                ChunkPipeline.Settings.of(BlockCopier.GRANULE, options.threads(), false));
        pipeline.run(() -> chunk -> null, (Chunk chunk, Object ignored) -> {
            if (chunk.isHole()) {
                ChannelWrites.writeZeros(out, chunk.length());
            } else {
                ChannelWrites.writeFully(out, chunk.data());
            }
        }, progress);
    }
}
