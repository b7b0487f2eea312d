package org.glanceconvert.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Finds whether bytes are all zero, eight at a time, without copying them. */
public final class ZeroDetector {
    private ZeroDetector() {
    }

    /** True when every byte between the buffer's position and limit is zero. */
    public static boolean isZero(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.nativeOrder());
        while (b.remaining() >= Long.BYTES) {
            if (b.getLong() != 0) {
                return false;
            }
        }
        while (b.hasRemaining()) {
            if (b.get() != 0) {
                return false;
            }
        }
        return true;
    }
}
