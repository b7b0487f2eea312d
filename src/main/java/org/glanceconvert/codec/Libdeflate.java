package org.glanceconvert.codec;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The compressing half of the system's libdeflate (Debian package libdeflate0), by JNA direct
 * mapping. Pointers and size_t are passed as {@code long}: {@link NativeCodecs} registers this
 * only on 64-bit Linux.
 *
 * <p>Only the compressors are bound: decompression stays in the JDK, so no native code ever
 * parses a stream an attacker made.
 */
final class Libdeflate {
    static final String LIBRARY = "libdeflate.so.0";

    private Libdeflate() {
    }

    static void register() {
        Native.register(Libdeflate.class, NativeLibrary.getInstance(LIBRARY));
    }

    /** A compressor at {@code level} (0-12), or 0 when out of memory. Not thread-safe. */
    static native long libdeflate_alloc_compressor(int level);

    /** Raw deflate (RFC 1951) into at most {@code outAvail} bytes; 0 when it does not fit. */
    static native long libdeflate_deflate_compress(long compressor, long in, long inBytes, long out, long outAvail);

    /** A zlib stream (RFC 1950) into at most {@code outAvail} bytes; 0 when it does not fit. */
    static native long libdeflate_zlib_compress(long compressor, long in, long inBytes, long out, long outAvail);

    static native void libdeflate_free_compressor(long compressor);
}
