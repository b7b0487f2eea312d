package org.glanceconvert.codec;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/** zstd by the system's libzstd, one compression context reused for every block. */
final class LibzstdEncoder implements ZstdEncoder {
    private final int level;
    private final ByteBuffer[] inputScratch = new ByteBuffer[1];
    private final ByteBuffer[] outputScratch = new ByteBuffer[1];
    private long cctx;

    LibzstdEncoder(int level) {
        this.level = level;
        this.cctx = Libzstd.ZSTD_createCCtx();
        if (cctx == 0) {
            throw new OutOfMemoryError("ZSTD_createCCtx failed");
        }
    }

    @Override
    public int compress(ByteBuffer src, ByteBuffer dst) {
        if (cctx == 0) {
            throw new IllegalStateException("encoder closed");
        }
        ByteBuffer in = NativeBuffers.directInput(src, inputScratch);
        ByteBuffer out = dst.isDirect() ? dst : NativeBuffers.room(outputScratch, dst.remaining());
        long n;
        try {
            n = Libzstd.ZSTD_compressCCtx(cctx, NativeBuffers.address(out), out.remaining(),
                    NativeBuffers.address(in), in.remaining(), level);
        } finally {
            Reference.reachabilityFence(in);
            Reference.reachabilityFence(out);
        }
        if (Libzstd.ZSTD_isError(n) != 0) {
            if (Libzstd.ZSTD_getErrorCode(n) == Libzstd.ERROR_DST_SIZE_TOO_SMALL) {
                return -1;
            }
            throw new IllegalStateException("zstd compression failed: " + Libzstd.ZSTD_getErrorName(n));
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
        return "libzstd";
    }

    @Override
    public void close() {
        if (cctx != 0) {
            Libzstd.ZSTD_freeCCtx(cctx);
            cctx = 0;
        }
    }
}
