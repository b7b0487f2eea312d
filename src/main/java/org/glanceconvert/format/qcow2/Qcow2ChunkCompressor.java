package org.glanceconvert.format.qcow2;

import java.nio.ByteBuffer;
import org.glanceconvert.convert.BufferPool;
import org.glanceconvert.convert.Chunk;
import org.glanceconvert.convert.ChunkPipeline;

/**
 * Compresses the clusters of one chunk on a pipeline worker: all-zero clusters are left out,
 * the others are compressed back to back into one pooled buffer, or marked to be stored as they
 * are when compression does not make them smaller.
 */
final class Qcow2ChunkCompressor implements ChunkPipeline.ChunkEncoder<Qcow2ChunkCompressor.Result>, AutoCloseable {
    /** Length of a cluster that reads all zero: nothing is stored. */
    static final int ZERO = 0;
    /** Length of a cluster stored uncompressed. */
    static final int STORED = -1;

    /**
     * @param bytes   the compressed clusters one after another (pooled; released by the writer)
     * @param lengths per cluster of the chunk: its compressed length, {@link #ZERO} or {@link #STORED}
     */
    record Result(ByteBuffer bytes, int[] lengths) {
    }

    private final Qcow2ClusterCompressor compressor;
    private final BufferPool buffers;

    Qcow2ChunkCompressor(Qcow2WriteSettings settings, BufferPool buffers) {
        this.compressor = Qcow2ClusterCompressor.of(settings);
        this.buffers = buffers;
    }

    @Override
    public Result encode(Chunk chunk) {
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
        return new Result(out, lengths);
    }

    @Override
    public void close() {
        compressor.close();
    }
}
