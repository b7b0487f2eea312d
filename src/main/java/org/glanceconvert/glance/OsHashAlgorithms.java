package org.glanceconvert.glance;

import java.util.Locale;

/** Glance's {@code os_hash_algo} values (Python hashlib's names) as Java {@code MessageDigest} names. */
public final class OsHashAlgorithms {
    private OsHashAlgorithms() {
    }

    /** The Java name, or null for an algorithm this JDK is not asked to know. */
    public static String javaName(String glanceAlgo) {
        return switch (glanceAlgo.toLowerCase(Locale.ROOT)) {
            case "sha512" -> "SHA-512";
            case "sha384" -> "SHA-384";
            case "sha256" -> "SHA-256";
            case "sha1" -> "SHA-1";
            case "md5" -> "MD5";
            case "sha3_512", "sha3-512" -> "SHA3-512";
            case "sha3_256", "sha3-256" -> "SHA3-256";
            default -> null;
        };
    }
}
