package org.glanceconvert.codec;

import com.sun.jna.Platform;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses, once per process, what compresses deflate and zstd blocks: the system's libdeflate
 * and libzstd when they load (they cost about half and two fifths of the CPU of java.util.zip
 * and aircompressor), else the pure-Java codecs. Says which in one INFO line, with the reason
 * for a fallback. {@code -Dglanceconvert.codec.native=false} forces the pure-Java codecs.
 *
 * <p>Why JNA to the system libzstd.so.1 and not zstd-jni: the libraries come from the
 * distribution (libzstd1 is on every Debian, dpkg depends on it; libdeflate0 is one small
 * package) and get its security updates; there is one way of loading native code in the
 * project (JNA, already used for lseek) instead of a second one that unpacks its own bundled
 * .so into java.io.tmpdir at every start; and five functions of zstd's stable API are all we
 * call. Native code only ever compresses our own bytes: every decoder (JDK Inflater,
 * aircompressor) stays in Java, so hostile streams are parsed by memory-safe code only.
 */
public final class NativeCodecs {
    /** Set to {@code false} to use the pure-Java codecs even where the native ones load. */
    public static final String PROPERTY = "glanceconvert.codec.native";

    private static final Logger LOG = LoggerFactory.getLogger(NativeCodecs.class);
    private static final String DEFLATE_UNAVAILABLE = load(Libdeflate.LIBRARY, Libdeflate::register);
    private static final String ZSTD_UNAVAILABLE = load(Libzstd.LIBRARY, Libzstd::register);
    private static final AtomicReference<String> LOGGED = new AtomicReference<>();

    private NativeCodecs() {
    }

    /** True when deflate blocks are compressed by libdeflate. */
    public static boolean nativeDeflate() {
        return DEFLATE_UNAVAILABLE == null && enabled();
    }

    /** True when zstd blocks are compressed by libzstd. */
    public static boolean nativeZstd() {
        return ZSTD_UNAVAILABLE == null && enabled();
    }

    /** One line: which implementation compresses each codec, and why a fallback. */
    public static String describe() {
        String deflate = nativeDeflate() ? "libdeflate (" + Libdeflate.LIBRARY + ")"
                : "java.util.zip (" + whyNot(DEFLATE_UNAVAILABLE) + ")";
        String zstd = nativeZstd() ? "libzstd " + Libzstd.ZSTD_versionString() + " (" + Libzstd.LIBRARY + ")"
                : "aircompressor (" + whyNot(ZSTD_UNAVAILABLE) + ")";
        return "compression: deflate by " + deflate + ", zstd by " + zstd
                + "; decompression in Java (JDK Inflater, aircompressor)";
    }

    static DeflateEncoder deflate(DeflateEncoder.Framing framing, int level) {
        logChoice();
        return nativeDeflate() ? new LibdeflateEncoder(framing, level) : new JdkDeflateEncoder(framing, level);
    }

    static ZstdEncoder zstd(int level) {
        logChoice();
        // aircompressor has one level, 3, which is zstd's default and the only one used here.
        return nativeZstd() ? new LibzstdEncoder(level) : new AircompressorZstdEncoder();
    }

    private static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY));
    }

    private static String whyNot(String unavailable) {
        return unavailable != null ? unavailable : PROPERTY + "=false";
    }

    /** Logs the choice the first time it is used, and again only if it changes. */
    private static void logChoice() {
        String line = describe();
        if (!line.equals(LOGGED.getAndSet(line))) {
            LOG.info(line);
        }
    }

    /** Null when {@code library} loaded, else why not. */
    static String load(String library, Runnable register) {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            return "native codecs are bound on 64-bit Linux only";
        }
        try {
            register.run();
            return null;
        } catch (Throwable e) {
            // The install hint only when the library itself is missing, not when JNA is.
            boolean missing = e instanceof UnsatisfiedLinkError && String.valueOf(e.getMessage()).contains(library);
            return library + " could not be loaded: " + e
                    + (missing && library.startsWith("libdeflate") ? " (apt-get install libdeflate0)" : "");
        }
    }
}
