package org.glanceconvert.codec;

import java.nio.ByteBuffer;

/**
 * Compresses whole blocks (qcow2 clusters) into one zstd frame each. Not thread-safe: one per
 * worker thread, reusing its compression context for every block (qemu makes one per cluster),
 * closed with the worker to free it.
 */
public interface ZstdEncoder extends AutoCloseable {

    /** An encoder at {@code level} (3 is zstd's default): libzstd when it can be loaded, else aircompressor. */
    static ZstdEncoder open(int level) {
        return NativeCodecs.zstd(level);
    }

    /** As {@link DeflateEncoder#compress}: the length, or -1 when it does not fit in {@code dst.remaining()}. */
    int compress(ByteBuffer src, ByteBuffer dst);

    /** What compresses: "libzstd" or "aircompressor". */
    String implementation();

    @Override
    void close();
}
