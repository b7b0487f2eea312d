package org.glanceconvert.format.vmdk;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * Compresses grains for a stream-optimized VMDK: each a zlib stream (RFC 1950, deflate inside),
 * as qemu and VMware both write and read it. One per worker thread (a deflater is not
 * thread-safe); close it to release the deflater's native memory.
 */
final class VmdkGrainCompressor implements AutoCloseable {
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);

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
        int start = out.position();
        deflater.reset();
        deflater.setInput(grain.duplicate());
        deflater.finish();
        while (!deflater.finished()) {
            if (!out.hasRemaining()) {
                throw new IllegalStateException("a compressed grain outgrew " + (out.position() - start) + " bytes");
            }
            deflater.deflate(out);
        }
        return out.position() - start;
    }

    @Override
    public void close() {
        deflater.end();
    }
}
