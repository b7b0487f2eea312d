package org.glanceconvert.format.qcow2;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.glanceconvert.image.ImageFormatException;

/** compression_type 0: a raw deflate stream (RFC 1951, no zlib header), as qemu writes it. */
final class DeflateClusterDecompressor implements ClusterDecompressor {

    @Override
    public void decompress(byte[] input, int length, byte[] cluster) throws ImageFormatException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(input, 0, length);
            int filled = 0;
            while (filled < cluster.length) {
                int n = inflater.inflate(cluster, filled, cluster.length - filled);
                if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                filled += n;
            }
            if (filled < cluster.length) {
                throw ClusterDecompressor.corrupt("deflate data ends after " + filled + " of "
                        + cluster.length + " bytes of the cluster");
            }
            if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw ClusterDecompressor.corrupt("deflate data inflates past the cluster size ("
                        + cluster.length + " bytes)");
            }
        } catch (DataFormatException e) {
            throw ClusterDecompressor.corrupt("invalid deflate data: " + e.getMessage());
        } finally {
            inflater.end(); // frees zlib's native memory now, not at some later GC
        }
    }
}
