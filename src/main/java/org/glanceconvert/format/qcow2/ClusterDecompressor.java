package org.glanceconvert.format.qcow2;

import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * Turns one compressed cluster's bytes back into exactly one cluster. The output is bounded by the
 * cluster size whatever the input claims, so a compressed cluster cannot be a decompression bomb;
 * data that ends short of a cluster or would inflate past it is refused.
 */
interface ClusterDecompressor {

    /**
     * Decompresses {@code input[0, length)} (the sectors the descriptor names; the stream may end
     * before them) into all of {@code cluster}.
     *
     * @throws ImageFormatException with {@link Check#QCOW2_COMPRESSED_CLUSTER} when the data is not
     *                              one valid stream of exactly {@code cluster.length} bytes
     */
    void decompress(byte[] input, int length, byte[] cluster) throws ImageFormatException;

    /** The decompressor for a header's compression_type (0 zlib/deflate, 1 zstd). */
    static ClusterDecompressor forType(int compressionType) {
        return compressionType == 1 ? new ZstdClusterDecompressor() : new DeflateClusterDecompressor();
    }

    static ImageFormatException corrupt(String message) {
        return new ImageFormatException(Check.QCOW2_COMPRESSED_CLUSTER, message);
    }
}
