package org.glanceconvert.format.vmdk;

import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GRAIN_BYTES;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.SECTOR;

import java.nio.ByteBuffer;
import org.glanceconvert.convert.BufferPool;
import org.glanceconvert.convert.Chunk;
import org.glanceconvert.convert.ChunkPipeline;
import org.glanceconvert.convert.EncodedChunk;
import org.glanceconvert.image.Zeros;

/**
 * Turns the grains of one chunk, on a pipeline worker, into their records in a stream-optimized
 * extent: the grain marker (first sector, compressed length), the zlib stream, zeros to the next
 * sector. The records go back to back into one pooled buffer; an all-zero grain gets none (length 0).
 */
final class VmdkChunkCompressor implements ChunkPipeline.ChunkEncoder<EncodedChunk>, AutoCloseable {
    /** The most bytes one grain's record can take. */
    static final int MAX_RECORD = (int) SparseVmdkLayout.alignUp(
            StreamMarker.GRAIN_HEADER + VmdkGrainCompressor.maxCompressedLength(GRAIN_BYTES), SECTOR);

    private final VmdkGrainCompressor compressor = new VmdkGrainCompressor();
    private final BufferPool buffers;

    /** @param buffers buffers of at least {@link #MAX_RECORD} bytes per grain of a chunk */
    VmdkChunkCompressor(BufferPool buffers) {
        this.buffers = buffers;
    }

    @Override
    public EncodedChunk encode(Chunk chunk) {
        int n = chunk.granules();
        int[] lengths = new int[n];
        ByteBuffer out = buffers.acquire();
        for (int i = 0; i < n; i++) {
            if (chunk.isZeroGranule(i)) {
                continue;
            }
            int start = out.position();
            out.position(start + StreamMarker.GRAIN_HEADER);
            int compressed = compressor.compress(chunk.granule(i), out);
            long lba = (chunk.start() + (long) i * GRAIN_BYTES) / SECTOR;
            out.put(start, StreamMarker.grainHeader(lba, compressed));
            int length = out.position() - start;
            Zeros.fill(out, (SECTOR - length % SECTOR) % SECTOR);
            lengths[i] = out.position() - start;
        }
        return new EncodedChunk(out, lengths);
    }

    @Override
    public void close() {
        compressor.close();
    }
}
