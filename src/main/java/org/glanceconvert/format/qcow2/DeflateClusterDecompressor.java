package org.glanceconvert.format.qcow2;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.glanceconvert.image.ImageFormatException;

/**
 * compression_type 0: a raw deflate stream (RFC 1951, no zlib header), as qemu writes it. The
 * inflater is reset and reused from cluster to cluster and ended with the decompressor.
 */
final class DeflateClusterDecompressor extends ClusterDecompressor {
    private final Inflater inflater = new Inflater(true);
    private final byte[] oneMore = new byte[1];

    @Override
    void decompress(byte[] input, int length, ByteBuffer cluster) throws ImageFormatException {
        int wanted = cluster.remaining();
        int start = cluster.position();
        inflater.reset();
        try {
            inflater.setInput(input, 0, length);
            while (cluster.hasRemaining()) {
                int n = inflater.inflate(cluster);
                if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
            }
            int filled = cluster.position() - start;
            if (filled < wanted) {
                throw ClusterDecompressor.corrupt("deflate data ends after " + filled + " of "
                        + wanted + " bytes of the cluster");
            }
            if (!inflater.finished() && inflater.inflate(oneMore) > 0) {
                throw ClusterDecompressor.corrupt("deflate data inflates past the cluster size ("
                        + wanted + " bytes)");
            }
        } catch (DataFormatException e) {
            throw ClusterDecompressor.corrupt("invalid deflate data: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        inflater.end(); // frees zlib's native memory now, not at some later GC
    }
}
