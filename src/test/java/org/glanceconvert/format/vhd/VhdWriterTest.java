package org.glanceconvert.format.vhd;

import static org.glanceconvert.testing.TestImages.sparseRaw;
import static org.glanceconvert.testing.WriterFixtures.ODD_SIZE;
import static org.glanceconvert.testing.WriterFixtures.assertIdentical;
import static org.glanceconvert.testing.WriterFixtures.options;
import static org.glanceconvert.testing.WriterFixtures.readAt;
import static org.glanceconvert.testing.WriterFixtures.unallocatedDisk;
import static org.glanceconvert.testing.WriterFixtures.writeFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.SparseFiles;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.QemuOracleTest;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;

/** qemu-img cannot check vpc images, so compare plus structural assertions are the oracle. */
class VhdWriterTest extends QemuOracleTest {
    private final VhdWriter writer = new VhdWriter();

    @Test
    void dynamicKeepsTheExactSizeAndContent() throws IOException {
        VhdFooter.Geometry chs = VhdFooter.geometry(ODD_SIZE / 512);
        assertNotEquals(ODD_SIZE, chs.sectors() * 512, "the test size must not be a CHS multiple");
        Path raw = TestImages.patternedRaw(dir.resolve("src.raw"), ODD_SIZE, 21);
        Path vhd = writeFile(writer, raw, dir.resolve("out.vhd"), options());

        assertIdentical(raw, vhd, "vpc");
        assertEquals("vpc", QemuImg.info(vhd).get("format").asText());
        assertEquals(ODD_SIZE, QemuImg.info(vhd).get("virtual-size").asLong());
        assertDynamicStructure(vhd, ODD_SIZE);
    }

    @Test
    void fixedKeepsTheExactSizeAndContent() throws IOException {
        Path raw = TestImages.patternedRaw(dir.resolve("src.raw"), ODD_SIZE, 22);
        Path vhd = writeFile(writer, raw, dir.resolve("out.vhd"), options("subformat=fixed"));

        assertIdentical(raw, vhd, "vpc");
        // A fixed VHD has no signature at offset 0: qemu (and Glance) probe it as raw, so say vpc.
        assertEquals(ODD_SIZE, QemuImg.info(vhd, "vpc").get("virtual-size").asLong());
        assertEquals(ODD_SIZE + 512, Files.size(vhd));
        byte[] footer = readAt(vhd, ODD_SIZE, 512);
        assertFooter(footer, ODD_SIZE, VhdFooter.DiskType.FIXED.code());
        assertEquals(-1L, ByteBuffer.wrap(footer).getLong(16), "fixed disks have no data offset");
    }

    @Test
    void zeroBlocksStayUnallocated() throws IOException {
        long size = 20 * Limits.GiB + 3 * 512;
        Path raw = sparseRaw(dir.resolve("src.raw"), size, 23,
                0, 4096,
                10 * Limits.GiB - 1000, 3000,   // straddles two blocks
                size - 512, 512);               // the very last sector
        Path dynamic = writeFile(writer, raw, dir.resolve("dyn.vhd"), options());
        Path fixed = writeFile(writer, raw, dir.resolve("fixed.vhd"), options("subformat=fixed"));

        assertIdentical(raw, dynamic, "vpc");
        assertIdentical(raw, fixed, "vpc");
        assertEquals(size, QemuImg.info(dynamic).get("virtual-size").asLong());
        assertDynamicStructure(dynamic, size);
        // BAT (40 KiB) and four allocated blocks.
        assertTrue(Files.size(dynamic) < 1536 + 41 * 1024 + 4 * (2 * Limits.MiB + 512) + 512 + 1,
                "dynamic size " + Files.size(dynamic));
        long allocated = SparseFiles.allocatedBytes(fixed);
        assertTrue(allocated < 0 || allocated < Limits.MiB, "fixed allocated " + allocated);
    }

    @Test
    void allZeroSourceGivesATinyImage() throws IOException {
        Path raw = sparseRaw(dir.resolve("src.raw"), 64 * Limits.MiB, 24);
        Path zeros = dir.resolve("zeros.raw");
        Files.write(zeros, new byte[3 * 1024 * 1024]);
        for (Path source : new Path[] {raw, zeros}) {
            Path vhd = writeFile(writer, source, dir.resolve(source.getFileName() + ".vhd"), options());
            assertIdentical(source, vhd, "vpc");
            assertEquals(512 + 1024 + 512 + 512, Files.size(vhd), "footer, header, one BAT sector, footer");
        }
    }

    @Test
    void validateRefusesWhatVhdCannotHold() throws ImageFormatException {
        ImageFormatException big = assertThrows(ImageFormatException.class,
                () -> writer.validate(unallocatedDisk(2041 * Limits.GiB), options()));
        assertEquals(Check.FORMAT_OUTPUT_LIMIT, big.check());
        assertThrows(ImageFormatException.class,
                () -> writer.validate(unallocatedDisk(2040 * Limits.GiB + 1), options("subformat=fixed")));
        writer.validate(unallocatedDisk(2040 * Limits.GiB), options());

        for (WriteOptions bad : new WriteOptions[] {options("subformat=differencing"),
                options("block_size=1M"), options(true, 1)}) {
            ImageFormatException e = assertThrows(ImageFormatException.class,
                    () -> writer.validate(unallocatedDisk(Limits.MiB), bad), bad.toString());
            assertEquals(Check.FORMAT_UNSUPPORTED, e.check());
        }
        assertFalse(writer.streamable(options()));
    }

    @Test
    void largestDynamicDiskIsSmallWhenEmpty() throws IOException {
        Path vhd = dir.resolve("big.vhd");
        try (FileChannel ch = FileChannel.open(vhd, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writer.write(unallocatedDisk(2040 * Limits.GiB), ch, options(), bytes -> { });
        }
        assertEquals(2040 * Limits.GiB, QemuImg.info(vhd).get("virtual-size").asLong());
        assertDynamicStructure(vhd, 2040 * Limits.GiB);
    }

    /** Footer copies, checksums, dynamic header and BAT as the specification wants them. */
    private static void assertDynamicStructure(Path vhd, long size) throws IOException {
        long fileSize = Files.size(vhd);
        byte[] head = readAt(vhd, 0, 512);
        byte[] tail = readAt(vhd, fileSize - 512, 512);
        assertArrayEquals(head, tail, "footer copy at offset 0");
        assertFooter(tail, size, VhdFooter.DiskType.DYNAMIC.code());
        assertEquals(512, ByteBuffer.wrap(tail).getLong(16), "data offset: the dynamic header");

        ByteBuffer header = ByteBuffer.wrap(readAt(vhd, 512, 1024));
        assertEquals("cxsparse", new String(header.array(), 0, 8, StandardCharsets.US_ASCII));
        assertEquals(checksumOf(header.array(), 36), header.getInt(36), "dynamic header checksum");
        long bat = header.getLong(16);
        int entries = header.getInt(28);
        assertEquals(2 * Limits.MiB, header.getInt(32));
        assertEquals((size + 2 * Limits.MiB - 1) / (2 * Limits.MiB), entries);
        ByteBuffer table = ByteBuffer.wrap(readAt(vhd, bat, entries * 4));
        long dataStart = bat + (entries * 4L + 511) / 512 * 512;
        for (int i = 0; i < entries; i++) {
            long entry = table.getInt(i * 4) & 0xffff_ffffL;
            if (entry != 0xffff_ffffL) {
                long blockStart = entry * 512;
                assertTrue(blockStart >= dataStart && blockStart + 512 + 2 * Limits.MiB <= fileSize - 512,
                        "block " + i + " at " + blockStart);
                byte[] bitmap = readAt(vhd, blockStart, 512);
                byte[] full = new byte[512];
                Arrays.fill(full, (byte) 0xff);
                assertArrayEquals(full, bitmap, "sector bitmap of block " + i);
            }
        }
    }

    private static void assertFooter(byte[] footer, long size, int type) {
        ByteBuffer f = ByteBuffer.wrap(footer);
        assertEquals("conectix", new String(footer, 0, 8, StandardCharsets.US_ASCII));
        assertEquals("qem2", new String(footer, 28, 4, StandardCharsets.US_ASCII));
        assertEquals(size, f.getLong(40), "original size (what Glance reads)");
        assertEquals(size, f.getLong(48), "current size (what qemu reads with qem2)");
        VhdFooter.Geometry chs = VhdFooter.geometry(size / 512);
        assertEquals(chs.cylinders(), f.getShort(56) & 0xffff);
        assertEquals(chs.heads(), footer[58] & 0xff);
        assertEquals(chs.sectorsPerTrack(), footer[59] & 0xff);
        assertTrue(chs.sectors() <= size / 512);
        assertEquals(type, f.getInt(60));
        assertEquals(checksumOf(footer, 64), f.getInt(64), "footer checksum");
    }

    private static int checksumOf(byte[] bytes, int checksumOffset) {
        int sum = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (i < checksumOffset || i >= checksumOffset + 4) {
                sum += bytes[i] & 0xff;
            }
        }
        return ~sum;
    }

    @Test
    void registeredAsAWriter() {
        assertTrue(org.glanceconvert.format.DiskFormats.writer("vpc").orElseThrow() instanceof VhdWriter);
    }
}
