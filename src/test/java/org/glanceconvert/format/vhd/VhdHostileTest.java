package org.glanceconvert.format.vhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.testing.MapAgreement;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crafted VHD files: each broken structure is refused with its check, and its near miss is not. */
class VhdHostileTest {
    private static final DiskFormat VHD = DiskFormats.byName("vhd").orElseThrow();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BLOCK = 512 * 1024;

    @TempDir
    Path dir;

    private static InspectionReport inspect(byte[] file) throws IOException {
        return TestImages.inspect(file, "crafted.vhd");
    }

    private static List<String> problems(byte[] file) throws IOException {
        InspectionReport report = inspect(file);
        assertEquals("vhd", report.format());
        return report.problems().stream().map(Finding::check).toList();
    }

    private static void assertSafe(byte[] file) throws IOException {
        InspectionReport report = inspect(file);
        assertEquals("vhd", report.format());
        assertTrue(report.safe(), report.problems().toString());
    }

    private static void assertRefused(byte[] file, Check check) throws IOException {
        List<String> ids = problems(file);
        assertTrue(ids.contains(check.id()), "expected " + check + " in " + inspect(file).problems());
    }

    private static byte[] pattern(int length, int seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** A 3.5-block disk of 512 KiB blocks, blocks 0 and 2 allocated. */
    private static VhdImageBuilder twoBlocks() {
        VhdImageBuilder b = new VhdImageBuilder(3 * BLOCK + BLOCK / 2);
        b.blockSize = BLOCK;
        b.blocks.put(0, pattern(BLOCK, 1));
        b.blocks.put(2, pattern(BLOCK, 2));
        return b;
    }

    private static byte[] readAll(VirtualDisk disk) throws IOException {
        ByteBuffer all = ByteBuffer.allocate((int) disk.size());
        disk.read(0, all);
        return all.array();
    }

    @Test
    void craftedDynamicDiskWithSmallBlocksReadsBack() throws IOException {
        VhdImageBuilder b = twoBlocks();
        byte[] file = b.dynamic();
        InspectionReport report = inspect(file);
        assertTrue(report.safe(), report.problems().toString());
        assertEquals("dynamic", report.subformat());
        assertEquals((long) BLOCK, report.clusterSize());
        byte[] expected = new byte[(int) b.virtualSize];
        System.arraycopy(b.blocks.get(0), 0, expected, 0, BLOCK);
        System.arraycopy(b.blocks.get(2), 0, expected, 2 * BLOCK, BLOCK);
        try (VirtualDisk disk = VHD.open(new MemoryByteSource("x", file), Limits.DEFAULT)) {
            assertArrayEquals(expected, readAll(disk));
        }

        QemuImg.assumeAvailable();
        Path crafted = Files.write(dir.resolve("crafted.vhd"), file);
        Path raw = QemuImg.convert(crafted, "vpc", dir.resolve("crafted.raw"), "raw", null);
        assertArrayEquals(expected, Files.readAllBytes(raw), "qemu-img reads the crafted 512 KiB-block disk the same way");
        try (VirtualDisk disk = VHD.open(new MemoryByteSource("x", file), Limits.DEFAULT)) {
            MapAgreement.assertSameData(QemuImg.map(crafted, "vpc"), disk);
        }
    }

    @Test
    void sectorsWhoseBitmapBitIsClearReadAsZeroAndAreNotData() throws IOException {
        VhdImageBuilder b = twoBlocks();
        byte[] bitmap = new byte[b.bitmapSize()];
        bitmap[0] = (byte) 0b1011_1111;     // sector 1 of block 0 was never written, its neighbours were
        Arrays.fill(bitmap, 1, 128, (byte) 0xff);
        bitmap[127] = (byte) 0xfe;          // nor was the block's last sector
        b.bitmaps.put(0, bitmap);
        byte[] file = b.dynamic();
        assertSafe(file);
        try (VirtualDisk disk = VHD.open(new MemoryByteSource("x", file), Limits.DEFAULT)) {
            byte[] content = readAll(disk);
            byte[] data = b.blocks.get(0);
            assertArrayEquals(Arrays.copyOfRange(data, 0, 512), Arrays.copyOfRange(content, 0, 512));
            assertArrayEquals(new byte[512], Arrays.copyOfRange(content, 512, 1024), "bit clear: zero");
            assertArrayEquals(Arrays.copyOfRange(data, 1024, BLOCK - 512), Arrays.copyOfRange(content, 1024, BLOCK - 512));
            assertArrayEquals(new byte[512], Arrays.copyOfRange(content, BLOCK - 512, BLOCK));

            ExtentCursor cursor = disk.extents(0);
            long dataStart = b.blockStart(0) + b.bitmapSize();
            assertEquals(Extent.data(0, 512, dataStart), cursor.next());
            assertEquals(Extent.unallocated(512, 512), cursor.next());
            assertEquals(Extent.data(1024, BLOCK - 1536, dataStart + 1024), cursor.next());
            assertEquals(Extent.unallocated(BLOCK - 512, 512), cursor.next());
            assertEquals(Extent.unallocated(BLOCK, BLOCK), cursor.next());
            assertEquals(Extent.data(2L * BLOCK, BLOCK, b.blockStart(1) + b.bitmapSize()), cursor.next());
            assertEquals(Extent.unallocated(3L * BLOCK, BLOCK / 2), cursor.next());
            assertEquals(null, cursor.next());
            // An extent walk may start anywhere, even inside a sector.
            assertEquals(Extent.unallocated(700, 324), disk.extents(700).next());
        }
    }

    @Test
    void badFooterChecksum() throws IOException {
        byte[] file = twoBlocks().dynamic();
        file[100] ^= 1;                                   // reserved byte of the footer copy
        System.arraycopy(file, 0, file, file.length - 512, 512);
        assertEquals(List.of(Check.VHD_CHECKSUM.id()), problems(file));
        assertThrows(ImageFormatException.class, () -> VHD.open(new MemoryByteSource("x", file), Limits.DEFAULT));

        VhdImageBuilder.resealBothFooters(file);         // near miss: same change, right checksum
        assertSafe(file);
    }

    @Test
    void badDynamicHeaderChecksumHasNoLenientMode() throws IOException {
        byte[] file = twoBlocks().dynamic();
        file[VhdImageBuilder.HEADER_OFFSET + 900] ^= 1;   // reserved byte of the header
        assertEquals(List.of(Check.VHD_HEADER_CHECKSUM.id()), problems(file));
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> VHD.open(new MemoryByteSource("x", file), Limits.DEFAULT));
        assertEquals(Check.VHD_HEADER_CHECKSUM, e.check());

        VhdImageBuilder.sealHeader(file, VhdImageBuilder.HEADER_OFFSET);
        assertSafe(file);
    }

    @Test
    void batEntryPastTheEndOfTheFile() throws IOException {
        VhdImageBuilder b = twoBlocks();
        byte[] file = b.dynamic();
        ByteBuffer bat = ByteBuffer.wrap(file, VhdImageBuilder.BAT_OFFSET, b.batBytes());
        // Near miss: the last block ends exactly where the trailing footer starts.
        assertEquals(file.length - 512, b.blockStart(1) + b.bitmapSize() + BLOCK);
        assertSafe(file);

        bat.putInt(VhdImageBuilder.BAT_OFFSET + 8, (int) (b.blockStart(1) / 512 + 1));
        assertEquals(List.of(Check.VHD_BAT.id()), problems(file));
        bat.putInt(VhdImageBuilder.BAT_OFFSET + 8, 0x7fff_0000);
        assertEquals(List.of(Check.VHD_BAT.id()), problems(file));
        // The reader, opened without inspection, still refuses to follow the entry.
        try (VirtualDisk disk = VHD.open(new MemoryByteSource("x", file), Limits.DEFAULT)) {
            ImageFormatException e = assertThrows(ImageFormatException.class, () -> readAll(disk));
            assertEquals(Check.VHD_BAT, e.check());
            assertThrows(ImageFormatException.class, () -> {
                ExtentCursor c = disk.extents(0);
                while (c.next() != null) {
                    // walking reaches the entry
                }
            });
        }
    }

    @Test
    void batEntriesPointingIntoMetadataOrAtEachOther() throws IOException {
        VhdImageBuilder b = twoBlocks();
        byte[] file = b.dynamic();
        ByteBuffer.wrap(file).putInt(VhdImageBuilder.BAT_OFFSET + 8, 1);          // onto the dynamic header
        assertEquals(List.of(Check.VHD_BAT.id()), problems(file));

        file = b.dynamic();
        int first = (int) (b.blockStart(0) / 512);
        ByteBuffer.wrap(file).putInt(VhdImageBuilder.BAT_OFFSET + 8, first + 1);  // half over block 0
        assertEquals(List.of(Check.VHD_BAT.id()), problems(file));

        file = b.dynamic();
        ByteBuffer.wrap(file).putLong(VhdImageBuilder.HEADER_OFFSET + 16, 0);       // BAT over the footer copy
        VhdImageBuilder.sealHeader(file, VhdImageBuilder.HEADER_OFFSET);
        assertEquals(List.of(Check.VHD_BAT.id()), problems(file));
    }

    @Test
    void differencingDiskWithParentLocators() throws IOException {
        VhdImageBuilder b = twoBlocks();
        b.diskType = 4;
        b.parentName = "C:\\images\\parent.vhd";
        b.locators = new String[] {"W2ku", "W2ru"};
        InspectionReport report = inspect(b.dynamic());
        assertEquals("differencing", report.subformat());
        assertEquals(List.of(Check.VHD_DIFFERENCING.id()), report.problems().stream().map(Finding::check).toList());
        assertTrue(report.problems().get(0).message().contains("parent.vhd"));
        assertTrue(report.problems().get(0).message().contains("W2ku"));

        b.diskType = 3;                                   // a "dynamic" disk that still names a parent file
        assertEquals(List.of(Check.VHD_DIFFERENCING.id()), problems(b.dynamic()));

        b.locators = new String[0];                       // near miss: a parent name nothing points at
        assertSafe(b.dynamic());
    }

    @Test
    void virtualSizeFollowsQemuByCreatorApplication() throws IOException {
        long size = 10L << 20;
        List<byte[]> files = new ArrayList<>();
        for (String creator : List.of("win ", "qem2", "d2v ", "CTXS", "tap\0")) {
            VhdImageBuilder b = new VhdImageBuilder(size);
            b.creator = creator;
            files.add(b.fixed(new byte[(int) size]));
            assertEquals(size, inspect(files.get(files.size() - 1)).virtualSize(), creator);
        }
        for (String creator : List.of("vpc ", "qemu", "vbox", "tap ")) {
            VhdImageBuilder b = new VhdImageBuilder(size);
            b.creator = creator;
            long chs = (long) b.cylinders * b.heads * b.sectorsPerTrack * 512;
            assertNotEquals(size, chs);
            files.add(b.fixed(new byte[(int) size]));
            assertEquals(chs, inspect(files.get(files.size() - 1)).virtualSize(), creator);
        }
        VhdImageBuilder max = new VhdImageBuilder(size);  // the maximum geometry means "too big for CHS"
        max.creator = "vpc ";
        max.cylinders = 65535;
        max.heads = 16;
        max.sectorsPerTrack = 255;
        files.add(max.fixed(new byte[(int) size]));
        assertEquals(size, inspect(files.get(files.size() - 1)).virtualSize());

        QemuImg.assumeAvailable();
        for (byte[] file : files) {
            Path p = Files.write(dir.resolve("creator.vhd"), file);
            JsonNode info = JSON.readTree(QemuImg.run("info", "--output=json", "-f", "vpc", p.toString())
                    .orThrow().stdout());
            assertEquals(info.get("virtual-size").asLong(), inspect(file).virtualSize(),
                    "qemu-img agrees for creator " + new String(file, file.length - 512 + 28, 4,
                            java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void fixedDiskFooterVariants() throws IOException {
        byte[] data = pattern(1 << 20, 3);
        VhdImageBuilder b = new VhdImageBuilder(data.length);
        b.creator = "win ";
        byte[] file = b.fixed(data);
        assertSafe(file);
        assertEquals("fixed", inspect(file).subformat());
        try (VirtualDisk disk = VHD.open(new MemoryByteSource("x", file), Limits.DEFAULT)) {
            assertArrayEquals(data, readAll(disk));
        }

        byte[] shortFooter = Arrays.copyOf(file, file.length - 1);  // the 511-byte footer some tools write
        assertTrue(VHD.matches(new MemoryByteSource("x", shortFooter)));
        assertSafe(shortFooter);
        try (VirtualDisk disk = VHD.open(new MemoryByteSource("x", shortFooter), Limits.DEFAULT)) {
            assertArrayEquals(data, readAll(disk));
        }

        b.virtualSize = data.length + 512;                // more virtual bytes than data
        assertEquals(List.of(Check.VHD_FOOTER.id()), problems(b.fixed(data)));
    }

    @Test
    void footerFieldsOutOfRange() throws IOException {
        VhdImageBuilder b = twoBlocks();
        b.diskType = 5;
        assertEquals(List.of(Check.VHD_FOOTER.id()), problems(b.dynamic()));

        b = twoBlocks();
        b.diskType = 2;                                   // fixed-disk footer at offset 0
        assertEquals(List.of(Check.VHD_FOOTER.id()), problems(b.dynamic()));

        b = twoBlocks();
        byte[] file = b.dynamic();
        file[file.length - 512 + 100] ^= 1;               // trailing footer differs from the copy
        VhdImageBuilder.sealFooter(file, file.length - 512);
        assertEquals(List.of(Check.VHD_FOOTER.id()), problems(file));

        b = new VhdImageBuilder(2041L << 30);             // beyond the 2040 GiB VHD limit
        b.blockSize = BLOCK;
        assertEquals(List.of(Check.VHD_FOOTER.id()), problems(b.fixed(new byte[0])));
    }

    @Test
    void dynamicHeaderFieldsOutOfRange() throws IOException {
        VhdImageBuilder b = twoBlocks();
        byte[] file = b.dynamic();
        ByteBuffer.wrap(file).putInt(VhdImageBuilder.HEADER_OFFSET + 32, BLOCK + 512);  // not a power of two
        VhdImageBuilder.sealHeader(file, VhdImageBuilder.HEADER_OFFSET);
        assertEquals(List.of(Check.VHD_HEADER.id()), problems(file));

        file = b.dynamic();
        ByteBuffer.wrap(file).putInt(VhdImageBuilder.HEADER_OFFSET + 28, 3);           // BAT too short for the size
        VhdImageBuilder.sealHeader(file, VhdImageBuilder.HEADER_OFFSET);
        assertEquals(List.of(Check.VHD_HEADER.id()), problems(file));

        file = b.dynamic();
        ByteBuffer.wrap(file).putLong(16, 1L << 40);                                   // header offset past EOF
        VhdImageBuilder.resealBothFooters(file);
        assertEquals(List.of(Check.VHD_HEADER.id()), problems(file));

        file = b.dynamic();
        ByteBuffer.wrap(file).putInt(VhdImageBuilder.HEADER_OFFSET + 28, 0x1000_0000);  // a 1 GiB BAT
        VhdImageBuilder.sealHeader(file, VhdImageBuilder.HEADER_OFFSET);
        assertEquals(List.of(Check.LIMITS_TABLE_SIZE.id()), problems(file));
    }

    @Test
    void truncatedCopiesAreRefusedWithACheckOrReadTheSame() throws IOException {
        byte[] whole = twoBlocks().dynamic();
        byte[] expected;
        try (VirtualDisk disk = VHD.open(new MemoryByteSource("x", whole), Limits.DEFAULT)) {
            expected = readAll(disk);
        }
        Random random = new Random(11);
        for (int i = 0; i < 60; i++) {
            int length = i < 10 ? i * 100 : random.nextInt(whole.length);
            byte[] cut = Arrays.copyOf(whole, length);
            InspectionReport report = inspect(cut);
            if (!report.format().equals("vhd")) {
                assertEquals("raw", report.format(), "length " + length);
                assertFalse(VHD.matches(new MemoryByteSource("x", cut)));
                continue;
            }
            assertFalse(report.safe(), "a dynamic disk cut at " + length + " still looks whole");
            for (Finding f : report.problems()) {
                assertTrue(f.check().startsWith("vhd.") || f.check().startsWith("format.")
                        || f.check().startsWith("limits."), f.toString());
            }
            // The reader, misused on it, fails with a check or reads the original bytes.
            try (VirtualDisk disk = VHD.open(new MemoryByteSource("x", cut), Limits.DEFAULT)) {
                assertArrayEquals(expected, readAll(disk));
            } catch (ImageFormatException | java.io.EOFException e) {
                // refused: fine
            }
        }
    }
}
