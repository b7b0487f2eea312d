package org.glanceconvert.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.glanceconvert.format.raw.RawDisk;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentDigestTest {
    @TempDir
    Path dir;

    /** The contract, computed the slow obvious way over every block. */
    private static String reference(byte[] disk) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(ByteBuffer.allocate(8).putLong(disk.length).array());
        for (int off = 0, i = 0; off < disk.length; off += ContentDigest.BLOCK, i++) {
            int n = Math.min(ContentDigest.BLOCK, disk.length - off);
            boolean zero = true;
            for (int k = 0; k < n; k++) {
                zero &= disk[off + k] == 0;
            }
            if (!zero) {
                sha.update(ByteBuffer.allocate(8).putLong(i).array());
                sha.update(disk, off, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void matchesTheContractOnASparsePatternedDisk() throws Exception {
        Path raw = TestImages.patternedRaw(dir.resolve("d.raw"), (5 << 20) + 4097, 5);
        try (FileByteSource src = FileByteSource.open(raw)) {
            assertEquals(reference(Files.readAllBytes(raw)), ContentDigest.of(new RawDisk(src)));
        }
    }

    @Test
    void dependsOnSizeAndPositionNotOnlyOnBytes() throws Exception {
        byte[] a = new byte[3 * ContentDigest.BLOCK];
        byte[] b = new byte[3 * ContentDigest.BLOCK];
        a[10] = 1;
        b[ContentDigest.BLOCK + 10] = 1;
        byte[] c = new byte[4 * ContentDigest.BLOCK];
        c[10] = 1;
        String da = ContentDigest.of(new RawDisk(new MemoryByteSource("a", a)));
        assertNotEquals(da, ContentDigest.of(new RawDisk(new MemoryByteSource("b", b))));
        assertNotEquals(da, ContentDigest.of(new RawDisk(new MemoryByteSource("c", c))));
        assertEquals(reference(a), da);
    }

    @Test
    void holeOnlyDiskIsTheDigestOfItsSize() throws Exception {
        Path raw = TestImages.sparseRaw(dir.resolve("empty.raw"), 1L << 30, 0);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        String expected = HexFormat.of().formatHex(sha.digest(ByteBuffer.allocate(8).putLong(1L << 30).array()));
        try (FileByteSource src = FileByteSource.open(raw)) {
            assertEquals(expected, ContentDigest.of(new RawDisk(src)));
        }
    }
}
