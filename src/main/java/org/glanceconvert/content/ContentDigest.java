package org.glanceconvert.content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.image.ZeroRuns;
import org.glanceconvert.image.Zeros;

/**
 * A digest of a disk's virtual content that is the same for the same disk in any format, and
 * costs time in proportion to the data stored, not the virtual size (docs/contracts.md):
 * SHA-256 over the virtual size (8 bytes, big-endian), then, for each 64 KiB block that is not
 * all zero, its index (8 bytes, big-endian) and its bytes (the last block may be shorter).
 */
public final class ContentDigest {
    /** The block size of the digest; part of the contract. */
    public static final int BLOCK = 64 * 1024;
    /**
     * 4 MiB per read (HttpRangeByteSource's largest request): the daemon digests sources and
     * read-back copies in Glance by HTTP range requests, one per read, and Glance spends several
     * milliseconds on each beyond its bytes (token validation, image lookup); 1 MiB ranges were
     * served at about half the speed of a streamed download.
     */
    private static final int BLOCKS_PER_READ = 64;

    private ContentDigest() {
    }

    /** The digest as lower-case hex. */
    public static String of(VirtualDisk disk) throws IOException {
        MessageDigest sha = sha256();
        long size = disk.size();
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(0, size));
        ZeroRuns zeros = new ZeroRuns(disk, 0);
        ByteBuffer chunk = ByteBuffer.allocate(BLOCK * BLOCKS_PER_READ);
        ByteBuffer index = ByteBuffer.allocate(Long.BYTES);
        long block = 0;
        long blocks = (size + BLOCK - 1) / BLOCK;
        while (block < blocks) {
            long start = block * BLOCK;
            long zeroEnd = zeros.zeroUntil(start);
            if (zeroEnd >= start + BLOCK || zeroEnd >= size) {
                // Whole blocks that metadata says read as zero are skipped unread.
                block = Math.max(block + 1, zeroEnd / BLOCK);
                continue;
            }
            long end = Math.min(size, start + (long) BLOCK * BLOCKS_PER_READ);
            chunk.clear().limit((int) (end - start));
            disk.read(start, chunk);
            for (int off = 0; off < chunk.limit(); off += BLOCK) {
                ByteBuffer one = chunk.duplicate().position(off).limit(Math.min(chunk.limit(), off + BLOCK));
                if (!Zeros.isZero(one)) {
                    sha.update(index.putLong(0, block + off / BLOCK).clear());
                    sha.update(one);
                }
            }
            block += (end - start + BLOCK - 1) / BLOCK;
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
