package org.glanceconvert.codec;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * What the native encoders share: a handle to a C compressor that is freed once, and the passing
 * of buffers to it. A native call needs direct memory, so a heap buffer goes through a scratch
 * copy; a direct one is used where it is.
 */
abstract class NativeBlockCompressor {
    private final ByteBuffer[] inputScratch = new ByteBuffer[1];
    private final ByteBuffer[] outputScratch = new ByteBuffer[1];
    private long handle;

    NativeBlockCompressor(long handle, String allocation) {
        if (handle == 0) {
            throw new OutOfMemoryError(allocation + " failed");
        }
        this.handle = handle;
    }

    /**
     * Compresses {@code inLength} bytes at {@code in} into at most {@code outCapacity} bytes at
     * {@code out}; returns the length, or -1 when the result does not fit.
     */
    abstract long nativeCompress(long handle, long in, int inLength, long out, int outCapacity);

    /** Frees the C compressor. */
    abstract void nativeFree(long handle);

    /** As {@link DeflateEncoder#compress}. */
    public final int compress(ByteBuffer src, ByteBuffer dst) {
        if (handle == 0) {
            throw new IllegalStateException("encoder closed");
        }
        ByteBuffer in = NativeBuffers.directInput(src, inputScratch);
        ByteBuffer out = dst.isDirect() ? dst : NativeBuffers.room(outputScratch, dst.remaining());
        long n;
        try {
            n = nativeCompress(handle, NativeBuffers.address(in), in.remaining(), NativeBuffers.address(out), out.remaining());
        } finally {
            Reference.reachabilityFence(in);
            Reference.reachabilityFence(out);
        }
        if (n < 0) {
            return -1;
        }
        int length = (int) n;
        if (out != dst) {
            dst.put(out.limit(length));
        } else {
            dst.position(dst.position() + length);
        }
        return length;
    }

    public final void close() {
        if (handle != 0) {
            nativeFree(handle);
            handle = 0;
        }
    }
}
