package org.glanceconvert.image;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Zeros in the hot path: finding all-zero ranges, and filling the parts of a read that an image
 * does not store. Detection compares against a shared zero block with
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

    /** True when every byte between the buffer's position and limit is zero. */
    public static boolean isZero(ByteBuffer buffer) {
        return isZero(buffer, buffer.position(), buffer.remaining());
    }

    /** Puts {@code n} zero bytes into {@code dst} at its position, advancing it. */
    public static void fill(ByteBuffer dst, int n) {
        if (dst.hasArray()) {
            int at = dst.arrayOffset() + dst.position();
            Arrays.fill(dst.array(), at, at + n, (byte) 0);
            dst.position(dst.position() + n);
            return;
        }
        for (int left = n; left > 0; ) {
            int k = Math.min(left, BLOCK);
            dst.put(ZERO_BLOCK.slice(0, k));
            left -= k;
        }
    }

    /** Fills the rest of {@code dst} with zeros. */
    public static void fill(ByteBuffer dst) {
        fill(dst, dst.remaining());
    }

    /** A read-only buffer of zeros, at least {@code minimum} bytes long, for writing holes literally. */
    public static ByteBuffer block(int minimum) {
        return minimum <= BLOCK ? ZERO_BLOCK.duplicate() : ByteBuffer.allocateDirect(minimum).asReadOnlyBuffer();
    }
}
