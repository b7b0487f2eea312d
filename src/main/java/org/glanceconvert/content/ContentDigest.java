package org.glanceconvert.content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.image.ZeroMap;

/**
 * A digest of a disk's virtual content that is the same for the same disk in any format, and
 * costs time in proportion to the data stored, not the virtual size (docs/contracts.md):
 * SHA-256 over the virtual size (8 bytes, big-endian), then, for each 64 KiB block that is not
 * all zero, its index (8 bytes, big-endian) and its bytes (the last block may be shorter).
 */
public final class ContentDigest {
    /** The block size of the digest; part of the contract. */
    public static final int BLOCK = NonZeroBlocks.BLOCK;

    private ContentDigest() {
    }

    /** The digest as lower-case hex. */
    public static String of(VirtualDisk disk) throws IOException {
        return of(disk, null);
    }

    /**
     * The digest as lower-case hex; on the way, marks in {@code zeros} (when not null) every
     * block that holds data, and completes it: the same pass, the same bytes.
     */
    public static String of(VirtualDisk disk, ZeroMap zeros) throws IOException {
        MessageDigest sha = sha256();
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(0, disk.size()));
        ByteBuffer index = ByteBuffer.allocate(Long.BYTES);
        NonZeroBlocks.Visitor hash = (block, bytes) -> {
            sha.update(index.putLong(0, block).clear());
            sha.update(bytes);
        };
        NonZeroBlocks.forEach(disk, zeros == null ? hash : NonZeroBlocks.marking(zeros, hash));
        if (zeros != null) {
            zeros.complete();
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
