package org.glanceconvert.codec;

import java.nio.ByteBuffer;

/**
 * Deflates whole blocks (a qcow2 cluster, a vmdk grain) one call each. Not thread-safe: one per
 * worker thread, reused for every block it compresses, closed with the worker to free its memory.
 */
public interface DeflateEncoder extends AutoCloseable {

    /** How the deflate stream is wrapped. */
    enum Framing {
        /** Raw deflate, RFC 1951 (qcow2 clusters). */
        RAW,
        /** A zlib stream, RFC 1950 (vmdk grains). */
        ZLIB
    }

    /**
     * An encoder at {@code level} (zlib's scale; 6 is its default): libdeflate when it can be
     * loaded, else java.util.zip (see {@link NativeCodecs}).
     */
    static DeflateEncoder open(Framing framing, int level) {
        return NativeCodecs.deflate(framing, level);
    }

    /**
     * Compresses the remaining bytes of {@code src} (its position does not move) into {@code dst}
     * from its position, using at most {@code dst.remaining()} bytes. Returns the compressed
     * length with {@code dst}'s position after it, or -1 when the result does not fit (the
     * position does not move; bytes after it may have been overwritten).
     */
    int compress(ByteBuffer src, ByteBuffer dst);

    /** What compresses: "libdeflate" or "java.util.zip". */
    String implementation();

    @Override
    void close();
}
