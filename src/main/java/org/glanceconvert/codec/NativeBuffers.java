package org.glanceconvert.codec;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/** Addresses of direct buffers for the native codecs, which take plain pointers. */
final class NativeBuffers {
    private NativeBuffers() {
    }

    /** The address of {@code buffer}'s byte at its position; the buffer must be direct. */
    static long address(ByteBuffer buffer) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(buffer)) + buffer.position();
    }

    /**
     * {@code src}'s remaining bytes in a direct buffer: {@code src} itself when it is direct,
     * otherwise a copy in {@code scratch} (grown as needed; pass the returned holder back next time).
     */
    static ByteBuffer directInput(ByteBuffer src, ByteBuffer[] scratch) {
        if (src.isDirect()) {
            return src;
        }
        ByteBuffer copy = room(scratch, src.remaining());
        copy.put(src.duplicate()).flip();
        return copy;
    }

    /** A cleared direct buffer of at least {@code bytes}, kept in {@code scratch[0]} for reuse. */
    static ByteBuffer room(ByteBuffer[] scratch, int bytes) {
        if (scratch[0] == null || scratch[0].capacity() < bytes) {
            scratch[0] = ByteBuffer.allocateDirect(bytes);
        }
        return scratch[0].clear().limit(bytes);
    }
}
