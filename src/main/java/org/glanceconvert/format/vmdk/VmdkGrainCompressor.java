package org.glanceconvert.format.vmdk;

import java.nio.ByteBuffer;
import org.glanceconvert.codec.DeflateEncoder;

/**
 * Compresses grains for a stream-optimized VMDK: each a zlib stream (RFC 1950, deflate inside),
 * as qemu and VMware both write and read it, at zlib's default level 6 as qemu uses. One per
 * worker thread (an encoder is not thread-safe); close it to release the encoder's native memory.
 */
final class VmdkGrainCompressor implements AutoCloseable {
    private static final int LEVEL = 6;

    private final DeflateEncoder deflate = DeflateEncoder.open(DeflateEncoder.Framing.ZLIB, LEVEL);

    /** Room {@link #compress} needs: zlib's worst case for incompressible input is a little over its size. */
    static int maxCompressedLength(int grainBytes) {
        return grainBytes + (grainBytes >> 9) + 64;
    }

    /**
     * Compresses the remaining bytes of {@code grain} into {@code out} from its position, which
     * must have {@link #maxCompressedLength} bytes of room; returns the compressed length, with
     * {@code out}'s position after it.
     */
    int compress(ByteBuffer grain, ByteBuffer out) {
        int room = Math.min(out.remaining(), maxCompressedLength(grain.remaining()));
        int start = out.position();
        int n = deflate.compress(grain, out.slice(start, room));
        if (n < 0) {
            throw new IllegalStateException("a compressed grain outgrew " + room + " bytes");
        }
        out.position(start + n);
        return n;
    }

    /** What compresses the grains (for tests and the log). */
    String implementation() {
        return deflate.implementation();
    }

    @Override
    public void close() {
        deflate.close();
    }
}
