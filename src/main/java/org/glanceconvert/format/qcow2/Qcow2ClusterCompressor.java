package org.glanceconvert.format.qcow2;

import io.airlift.compress.zstd.ZstdCompressor;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * Compresses one cluster the way qemu's qcow2 driver reads it back. One per worker thread.
 *
 * <p>zlib: a raw deflate stream (no zlib header). qemu deflates with windowBits -12 (a 4 KiB
 * window) and inflates each cluster in a single call into a cluster-sized buffer; that call
 * resolves back-references against output already produced, so a stream made with the JDK's
 * 32 KiB window (java.util.zip cannot choose another) reads back identically — the tests check
 * every written image with qemu-img compare. Level 6 is zlib's default, as qemu uses.
 *
 * <p>zstd: one zstd frame, as qemu's ZSTD_compressStream2(ZSTD_e_end) produces and its streaming
 * decompressor consumes until a cluster is full. Made by aircompressor, pure Java (no native
 * library to ship or to keep bounded), at its default level 3 — zstd's default, as qemu uses.
 *
 * <p>A cluster is stored compressed only when that saves space, exactly as qemu decides: the
 * compressed form must fit in {@code cluster_size - 1} bytes.
 */
abstract class Qcow2ClusterCompressor implements AutoCloseable {
    final int clusterSize;

    Qcow2ClusterCompressor(int clusterSize) {
        this.clusterSize = clusterSize;
    }

    static Qcow2ClusterCompressor of(Qcow2WriteSettings settings) {
        return switch (settings.compression()) {
            case ZLIB -> new Zlib(settings.clusterSize());
            case ZSTD -> new Zstd(settings.clusterSize());
        };
    }

    /**
     * Compresses the full {@code cluster} into {@code out} from its position (which must have at
     * least {@code cluster_size - 1} bytes remaining). Returns the compressed length with
     * {@code out}'s position after it, or -1 with the position unchanged when the cluster does not
     * compress below its size.
     */
    abstract int compress(ByteBuffer cluster, ByteBuffer out);

    @Override
    public void close() {
    }

    private static final class Zlib extends Qcow2ClusterCompressor {
        private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);

        Zlib(int clusterSize) {
            super(clusterSize);
        }

        @Override
        int compress(ByteBuffer cluster, ByteBuffer out) {
            int start = out.position();
            ByteBuffer room = out.slice(start, clusterSize - 1);
            deflater.reset();
            deflater.setInput(cluster.duplicate());
            deflater.finish();
            while (!deflater.finished() && room.hasRemaining()) {
                deflater.deflate(room);
            }
            if (!deflater.finished()) {
                return -1;
            }
            out.position(start + room.position());
            return room.position();
        }

        @Override
        public void close() {
            deflater.end();
        }
    }

    private static final class Zstd extends Qcow2ClusterCompressor {
        private final ZstdCompressor zstd = new ZstdCompressor();
        private final ByteBuffer scratch;

        Zstd(int clusterSize) {
            super(clusterSize);
            scratch = ByteBuffer.allocateDirect(zstd.maxCompressedLength(clusterSize));
        }

        @Override
        int compress(ByteBuffer cluster, ByteBuffer out) {
            scratch.clear();
            zstd.compress(cluster.duplicate(), scratch);
            int n = scratch.position();
            if (n >= clusterSize) {
                return -1;
            }
            out.put(scratch.flip());
            return n;
        }
    }
}
