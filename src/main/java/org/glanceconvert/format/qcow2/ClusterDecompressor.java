package org.glanceconvert.format.qcow2;

import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * Turns one compressed cluster's bytes back into exactly one cluster. The output is bounded by the
 * cluster size whatever the input claims, so a compressed cluster cannot be a decompression bomb;
 * data that ends short of a cluster or would inflate past it is refused.
 *
 * <p>One thread at a time: an instance keeps its codec state and an input buffer between
 * clusters (readers pool them), and {@link #close} frees the codec's native memory.
 */
abstract class ClusterDecompressor implements AutoCloseable {
    private byte[] input = new byte[0];

    /** A buffer of at least {@code length} bytes to read a compressed cluster into, reused. */
    final byte[] input(int length) {
        if (input.length < length) {
            input = new byte[length];
        }
        return input;
    }

    /**
     * Decompresses {@code input[0, length)} (the sectors the descriptor names; the stream may end
     * before them) into all the remaining bytes of {@code cluster} (one cluster), advancing its
     * position.
     *
     * @throws ImageFormatException with {@link Check#QCOW2_COMPRESSED_CLUSTER} when the data is not
     *                              one valid stream of exactly one cluster
     */
    abstract void decompress(byte[] input, int length, ByteBuffer cluster) throws ImageFormatException;

    @Override
    public void close() {
    }

    /** Makes decompressors for a header's compression_type (0 zlib/deflate, 1 zstd). */
    static Supplier<ClusterDecompressor> forType(int compressionType) {
        return compressionType == 1 ? ZstdClusterDecompressor::new : DeflateClusterDecompressor::new;
    }

    static ImageFormatException corrupt(String message) {
        return new ImageFormatException(Check.QCOW2_COMPRESSED_CLUSTER, message);
    }
}
