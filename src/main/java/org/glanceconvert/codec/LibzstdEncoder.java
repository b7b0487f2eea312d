package org.glanceconvert.codec;

/** zstd by the system's libzstd, one compression context reused for every block. */
final class LibzstdEncoder extends NativeBlockCompressor implements ZstdEncoder {
    private final int level;

    LibzstdEncoder(int level) {
        super(Libzstd.ZSTD_createCCtx(), "ZSTD_createCCtx");
        this.level = level;
    }

    @Override
    long nativeCompress(long cctx, long in, int inLength, long out, int outCapacity) {
        long n = Libzstd.ZSTD_compressCCtx(cctx, out, outCapacity, in, inLength, level);
        if (Libzstd.ZSTD_isError(n) != 0) {
            if (Libzstd.ZSTD_getErrorCode(n) == Libzstd.ERROR_DST_SIZE_TOO_SMALL) {
                return -1;
            }
            throw new IllegalStateException("zstd compression failed: " + Libzstd.ZSTD_getErrorName(n));
        }
        return n;
    }

    @Override
    void nativeFree(long cctx) {
        Libzstd.ZSTD_freeCCtx(cctx);
    }

    @Override
    public String implementation() {
        return "libzstd";
    }
}
