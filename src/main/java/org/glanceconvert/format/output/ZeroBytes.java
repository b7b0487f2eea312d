package org.glanceconvert.format.output;

import java.util.Arrays;

/** Zero detection without copying: {@link Arrays#mismatch} against a shared zero page is vectorised. */
public final class ZeroBytes {
    private static final byte[] ZEROS = new byte[64 * 1024];

    private ZeroBytes() {
    }

    /** True when {@code bytes[offset, offset + length)} are all zero. */
    public static boolean isZero(byte[] bytes, int offset, int length) {
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            int n = Math.min(ZEROS.length, end - pos);
            if (Arrays.mismatch(bytes, pos, pos + n, ZEROS, 0, n) != -1) {
                return false;
            }
            pos += n;
        }
        return true;
    }
}
