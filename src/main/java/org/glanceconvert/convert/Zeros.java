package org.glanceconvert.convert;

import java.nio.ByteBuffer;

/**
 * Finds all-zero ranges in the hot path. Compares against a shared zero block with
 * {@link ByteBuffer#mismatch}, which the JDK runs as a vectorised loop over both buffers in
 * place: nothing is copied, and a non-zero range usually stops at its first bytes.
 */
public final class Zeros {
    private static final int BLOCK = 64 * 1024;
    private static final ByteBuffer ZERO_BLOCK = ByteBuffer.allocateDirect(BLOCK).asReadOnlyBuffer();

    private Zeros() {
    }

    /** True when the {@code length} bytes of {@code buffer} from absolute index {@code from} are all zero. */
    public static boolean isZero(ByteBuffer buffer, int from, int length) {
        int pos = from;
        int end = from + length;
        while (pos < end) {
            int n = Math.min(BLOCK, end - pos);
            if (buffer.slice(pos, n).mismatch(ZERO_BLOCK.slice(0, n)) >= 0) {
                return false;
            }
            pos += n;
        }
        return true;
    }

    /** A read-only buffer of zeros, at least {@code minimum} bytes long, for writing holes literally. */
    public static ByteBuffer block(int minimum) {
        return minimum <= BLOCK ? ZERO_BLOCK.duplicate() : ByteBuffer.allocateDirect(minimum).asReadOnlyBuffer();
    }
}
