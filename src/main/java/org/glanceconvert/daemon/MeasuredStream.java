package org.glanceconvert.daemon;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.glanceconvert.glance.OsHashAlgorithms;

/**
 * Counts and hashes the bytes that pass, so that what was uploaded can be compared with what
 * Glance says it stored ({@code size}, {@code os_hash_value}).
 */
final class MeasuredStream extends FilterInputStream {
    private final MessageDigest digest;
    private long count;

    MeasuredStream(InputStream in, String glanceHashAlgo) {
        super(in);
        this.digest = digestFor(glanceHashAlgo);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            digest.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            digest.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        return 0; // every byte must pass through the digest
    }

    long count() {
        return count;
    }

    /** The digest of everything read; call once, at the end. */
    String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Glance's {@code os_hash_algo} names (hashlib's) as Java digests; sha512 when unknown. */
    static MessageDigest digestFor(String glanceAlgo) {
        String known = glanceAlgo == null ? null : OsHashAlgorithms.javaName(glanceAlgo);
        String name = known == null ? "SHA-512" : known;
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " missing from the JDK", e);
        }
    }
}
