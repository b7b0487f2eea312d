package org.glanceconvert.codec;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The compressing half of the system's libzstd (Debian package libzstd1, which dpkg itself
 * depends on), by JNA direct mapping: only functions of zstd's stable API. Pointers and size_t
 * are passed as {@code long}: {@link NativeCodecs} registers this only on 64-bit Linux.
 *
 * <p>Only compression is bound: zstd frames are decoded by aircompressor in Java, so no native
 * code ever parses a stream an attacker made.
 */
final class Libzstd {
    static final String LIBRARY = "libzstd.so.1";
    /** ZSTD_error_dstSize_tooSmall in zstd_errors.h (a stable value). */
    static final int ERROR_DST_SIZE_TOO_SMALL = 70;

    private Libzstd() {
    }

    static void register() {
        Native.register(Libzstd.class, NativeLibrary.getInstance(LIBRARY));
    }

    static native long ZSTD_createCCtx();

    static native long ZSTD_freeCCtx(long cctx);

    /** One whole frame of {@code src}; an error code (see {@link #ZSTD_isError}) when it fails. */
    static native long ZSTD_compressCCtx(long cctx, long dst, long dstCapacity, long src, long srcSize, int level);

    static native int ZSTD_isError(long code);

    static native int ZSTD_getErrorCode(long code);

    static native String ZSTD_getErrorName(long code);

    static native String ZSTD_versionString();
}
