package org.glanceconvert.format.qcow2;

import java.nio.ByteBuffer;
import org.glanceconvert.convert.BufferPool;
import org.glanceconvert.convert.Chunk;
import org.glanceconvert.convert.ChunkPipeline;
import org.glanceconvert.convert.EncodedChunk;

/**
 * Compresses the clusters of one chunk on a pipeline worker: all-zero clusters are left out
 * (length {@link #ZERO}), the others are compressed back to back into one pooled buffer, or marked
 * {@link #STORED} to be stored as they are when compression does not make them smaller.
 */
final class Qcow2ChunkCompressor implements ChunkPipeline.ChunkEncoder<EncodedChunk>, AutoCloseable {
    /** Length of a cluster that reads all zero: nothing is stored. */
    static final int ZERO = 0;
    /** Length of a cluster stored uncompressed. */
    static final int STORED = -1;

    private final Qcow2ClusterCompressor compressor;
    private final BufferPool buffers;

    Qcow2ChunkCompressor(Qcow2WriteSettings settings, BufferPool buffers) {
        this.compressor = Qcow2ClusterCompressor.of(settings);
        this.buffers = buffers;
    }

    @Override
    public EncodedChunk encode(Chunk chunk) {
        int n = chunk.granules();
        int[] lengths = new int[n];
        ByteBuffer out = buffers.acquire();
        for (int i = 0; i < n; i++) {
            if (chunk.isZeroGranule(i)) {
                lengths[i] = ZERO;
            } else {
                int length = compressor.compress(chunk.granule(i), out);
                lengths[i] = length < 0 ? STORED : length;
            }
        }
        return new EncodedChunk(out, lengths);
    }

    @Override
    public void close() {
        compressor.close();
    }
}
