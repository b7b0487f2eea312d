package org.glanceconvert.codec;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/** Deflate by libdeflate: about twice zlib's speed at the same level, in one call per block. */
final class LibdeflateEncoder implements DeflateEncoder {
    private final Framing framing;
    private final ByteBuffer[] inputScratch = new ByteBuffer[1];
    private final ByteBuffer[] outputScratch = new ByteBuffer[1];
    private long compressor;

    LibdeflateEncoder(Framing framing, int level) {
        this.framing = framing;
        this.compressor = Libdeflate.libdeflate_alloc_compressor(level);
        if (compressor == 0) {
            throw new OutOfMemoryError("libdeflate_alloc_compressor(" + level + ") failed");
        }
    }

    @Override
    public int compress(ByteBuffer src, ByteBuffer dst) {
        if (compressor == 0) {
            throw new IllegalStateException("encoder closed");
        }
        ByteBuffer in = NativeBuffers.directInput(src, inputScratch);
        ByteBuffer out = dst.isDirect() ? dst : NativeBuffers.room(outputScratch, dst.remaining());
        long n;
        try {
            long inAddress = NativeBuffers.address(in);
            long outAddress = NativeBuffers.address(out);
            n = framing == Framing.RAW
                    ? Libdeflate.libdeflate_deflate_compress(compressor, inAddress, in.remaining(), outAddress, out.remaining())
                    : Libdeflate.libdeflate_zlib_compress(compressor, inAddress, in.remaining(), outAddress, out.remaining());
        } finally {
            Reference.reachabilityFence(in);
            Reference.reachabilityFence(out);
        }
        if (n == 0) {
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

    @Override
    public String implementation() {
        return "libdeflate";
    }

    @Override
    public void close() {
        if (compressor != 0) {
            Libdeflate.libdeflate_free_compressor(compressor);
            compressor = 0;
        }
    }
}
