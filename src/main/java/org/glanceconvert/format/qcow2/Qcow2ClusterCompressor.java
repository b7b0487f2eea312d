package org.glanceconvert.format.qcow2;

import java.nio.ByteBuffer;
import org.glanceconvert.codec.DeflateEncoder;
import org.glanceconvert.codec.ZstdEncoder;

/**
 * Compresses one cluster the way qemu's qcow2 driver reads it back. One per worker thread.
 *
 * <p>zlib: a raw deflate stream (no zlib header). qemu deflates with windowBits -12 (a 4 KiB
 * window) and inflates each cluster in a single call into a cluster-sized buffer; that call
 * resolves back-references against output already produced, so a stream made with a 32 KiB
 * window (libdeflate's and the JDK's) reads back identically — the tests check every written
 * image with QEMU's compare. Level 6 is zlib's default, as qemu uses.
 *
 * <p>zstd: one zstd frame, as qemu's ZSTD_compressStream2(ZSTD_e_end) produces and its streaming
 * decompressor consumes until a cluster is full, at level 3 — zstd's default, as qemu uses.
 *
 * <p>A cluster is stored compressed only when that saves space, exactly as qemu decides: the
 * compressed form must fit in {@code cluster_size - 1} bytes.
 */
final class Qcow2ClusterCompressor implements AutoCloseable {
    private static final int ZLIB_LEVEL = 6;
    private static final int ZSTD_LEVEL = 3;

    private final int clusterSize;
    private final DeflateEncoder deflate;
    private final ZstdEncoder zstd;

    private Qcow2ClusterCompressor(int clusterSize, DeflateEncoder deflate, ZstdEncoder zstd) {
        this.clusterSize = clusterSize;
        this.deflate = deflate;
        this.zstd = zstd;
    }

    static Qcow2ClusterCompressor of(Qcow2WriteSettings settings) {
        return switch (settings.compression()) {
            case ZLIB -> new Qcow2ClusterCompressor(settings.clusterSize(),
                    DeflateEncoder.open(DeflateEncoder.Framing.RAW, ZLIB_LEVEL), null);
            case ZSTD -> new Qcow2ClusterCompressor(settings.clusterSize(), null, ZstdEncoder.open(ZSTD_LEVEL));
        };
    }

    /**
     * Compresses the full {@code cluster} into {@code out} from its position (which must have at
     * least {@code cluster_size - 1} bytes remaining). Returns the compressed length with
     * {@code out}'s position after it, or -1 with the position unchanged when the cluster does not
     * compress below its size.
     */
    int compress(ByteBuffer cluster, ByteBuffer out) {
        int start = out.position();
        ByteBuffer room = out.slice(start, clusterSize - 1);
        int n = deflate != null ? deflate.compress(cluster, room) : zstd.compress(cluster, room);
        if (n >= 0) {
            out.position(start + n);
        }
        return n;
    }

    /** What compresses the clusters (for tests and the log). */
    String implementation() {
        return deflate != null ? deflate.implementation() : zstd.implementation();
    }

    @Override
    public void close() {
        if (deflate != null) {
            deflate.close();
        } else {
            zstd.close();
        }
    }
}
