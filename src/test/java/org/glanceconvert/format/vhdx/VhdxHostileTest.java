package org.glanceconvert.format.vhdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crafted VHDX files: each broken structure is refused with its check, and its near miss is not. */
class VhdxHostileTest {
    private static final DiskFormat VHDX = DiskFormats.byName("vhdx").orElseThrow();
    private static final int MiB = 1 << 20;
    private static final VhdxGuid LOG_GUID = VhdxGuid.parse("AB8E3A3C-59D4-4D8C-9C2B-1F0A7E35C001");

    @TempDir
    Path dir;

    private static InspectionReport inspect(byte[] file) throws IOException {
        return TestImages.inspect(file, "crafted.vhdx");
    }

    private static List<String> problems(byte[] file) throws IOException {
        InspectionReport report = inspect(file);
        assertEquals("vhdx", report.format());
        return report.problems().stream().map(Finding::check).toList();
    }

    private static void assertSafe(byte[] file) throws IOException {
        InspectionReport report = inspect(file);
        assertEquals("vhdx", report.format());
        assertTrue(report.safe(), report.problems().toString());
    }

    private static byte[] pattern(int length, int seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** 3.5 MiB in 1 MiB blocks: block 0 and 2 present, block 1 zero, block 3 unmapped. */
    private static VhdxImageBuilder small() {
        VhdxImageBuilder b = new VhdxImageBuilder(3 * MiB + MiB / 2);
        b.blocks.put(0L, pattern(MiB, 1));
        b.blocks.put(2L, pattern(MiB, 2));
        b.states.put(1L, VhdxBat.PAYLOAD_ZERO);
        b.states.put(3L, VhdxBat.PAYLOAD_UNMAPPED);
        return b;
    }

    /**
     * Just over 4 GiB in 1 MiB blocks, so that the BAT holds the sector bitmap entry of chunk 0
     * (a chunk is 2^23 sectors). Only blocks 0 and 2 are stored.
     */
    private static VhdxImageBuilder multiChunk() {
        VhdxImageBuilder b = new VhdxImageBuilder((4L << 30) + MiB);
        b.blocks.put(0L, pattern(MiB, 1));
        b.blocks.put(2L, pattern(MiB, 2));
        return b;
    }

    private static byte[] readAll(VirtualDisk disk) throws IOException {
        ByteBuffer all = ByteBuffer.allocate((int) disk.size());
        disk.read(0, all);
        return all.array();
    }

    private static byte[] expectedContent(VhdxImageBuilder b) {
        byte[] content = new byte[(int) b.virtualSize];
        for (var block : b.blocks.entrySet()) {
            int at = (int) (block.getKey() * b.blockSize);
            System.arraycopy(block.getValue(), 0, content, at, Math.min(block.getValue().length, content.length - at));
        }
        return content;
    }

    private static void putBatEntry(byte[] file, long index, long entry) {
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong((int) VhdxImageBuilder.batEntryOffset(index), entry);
    }

    @Test
    void craftedFileReadsBackAndQemuAgrees() throws IOException {
        VhdxImageBuilder b = small();
        byte[] file = b.build();
        InspectionReport report = inspect(file);
        assertTrue(report.safe(), report.problems().toString());
        assertEquals("dynamic", report.subformat());
        assertEquals(b.virtualSize, report.virtualSize());
        assertEquals((long) MiB, report.clusterSize());
        try (VirtualDisk disk = VHDX.open(new MemoryByteSource("x", file), Limits.DEFAULT)) {
            assertArrayEquals(expectedContent(b), readAll(disk));
            ExtentCursor c = disk.extents(0);
            assertEquals(Extent.data(0, MiB, b.blockOffset(0)), c.next());
            assertEquals(Extent.zero(MiB, MiB), c.next());
            assertEquals(Extent.data(2L * MiB, MiB, b.blockOffset(1)), c.next());
            assertEquals(Extent.unallocated(3L * MiB, MiB / 2), c.next());
            assertEquals(null, c.next());
        }
        assertTrue(VHDX.check(new MemoryByteSource("x", file), Limits.DEFAULT).isEmpty());

        QemuImg.assumeAvailable();
        Path crafted = Files.write(dir.resolve("crafted.vhdx"), file);
        Path raw = QemuImg.convert(crafted, "vhdx", dir.resolve("crafted.raw"), "raw", null);
        assertArrayEquals(expectedContent(b), Files.readAllBytes(raw), "qemu-img reads the crafted file the same way");
    }

    @Test
    void fixedSubformatIsTheLeaveBlocksAllocatedFlag() throws IOException {
        VhdxImageBuilder b = small();
        b.leaveAllocated = true;
        assertEquals("fixed", inspect(b.build()).subformat());
    }

    @Test
    void headerChecksums() throws IOException {
        byte[] file = small().build();
        file[(int) VhdxHeader.SECOND_OFFSET + 200] ^= 1;       // the current header (sequence 2) is damaged
        assertSafe(file);                                       // near miss: the other header is used
        try (VirtualDisk disk = VHDX.open(new MemoryByteSource("x", file), Limits.DEFAULT)) {
            assertArrayEquals(expectedContent(small()), readAll(disk));
        }
        file[(int) VhdxHeader.FIRST_OFFSET + 200] ^= 1;        // and now both
        assertEquals(List.of(Check.VHDX_CHECKSUM.id()), problems(file));
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> VHDX.open(new MemoryByteSource("x", file), Limits.DEFAULT));
        assertEquals(Check.VHDX_CHECKSUM, e.check());
    }

    @Test
    void headersWithEqualSequenceNumbersMustBeIdentical() throws IOException {
        byte[] file = small().build();
        ByteBuffer le = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        le.putLong((int) VhdxHeader.SECOND_OFFSET + 8, 1);
        VhdxImageBuilder.sealAll(file);
        assertSafe(file);                                        // identical apart from sequence: now identical
        file[(int) VhdxHeader.SECOND_OFFSET + 20] ^= 1;          // a different file write GUID
        VhdxImageBuilder.sealAll(file);
        assertEquals(List.of(Check.VHDX_HEADER.id()), problems(file));
    }

    @Test
    void logThatNeedsReplay() throws IOException {
        VhdxImageBuilder b = small();
        b.logGuid = LOG_GUID;
        byte[] file = b.build();
        assertSafe(file);                                        // near miss: a log GUID, but an empty log

        byte[] replay = file.clone();
        VhdxImageBuilder.writeLogEntry(replay, LOG_GUID, 7, b.metadataOffset());
        assertEquals(List.of(Check.VHDX_LOG_REPLAY.id()), problems(replay));
        assertThrows(ImageFormatException.class, () -> VHDX.open(new MemoryByteSource("x", replay), Limits.DEFAULT));

        byte[] otherGuid = file.clone();                         // near miss: an entry of an older log
        VhdxImageBuilder.writeLogEntry(otherGuid, VhdxGuid.parse("00000000-0000-0000-0000-000000000042"), 7,
                b.metadataOffset());
        assertSafe(otherGuid);

        byte[] badCrc = replay.clone();                          // near miss: a torn entry
        badCrc[(int) VhdxImageBuilder.LOG_OFFSET + 4096 + 100] ^= 1;
        assertSafe(badCrc);

        byte[] cleared = replay.clone();                         // near miss: replayed, log GUID cleared
        Arrays.fill(cleared, (int) VhdxHeader.FIRST_OFFSET + 48, (int) VhdxHeader.FIRST_OFFSET + 64, (byte) 0);
        Arrays.fill(cleared, (int) VhdxHeader.SECOND_OFFSET + 48, (int) VhdxHeader.SECOND_OFFSET + 64, (byte) 0);
        VhdxImageBuilder.sealAll(cleared);
        assertSafe(cleared);

        byte[] malformed = replay.clone();                       // a descriptor that is neither data nor zero
        malformed[(int) VhdxImageBuilder.LOG_OFFSET + 64] = 'X';
        VhdxImageBuilder.seal(malformed, (int) VhdxImageBuilder.LOG_OFFSET, 8192);
        assertEquals(List.of(Check.VHDX_LOG_REPLAY.id()), problems(malformed));

        // qemu-img, opening read-only, refuses exactly the file that needs replay.
        QemuImg.assumeAvailable();
        Path needs = Files.write(dir.resolve("replay.vhdx"), replay);
        QemuImg.Result r = QemuImg.run("info", "-f", "vhdx", needs.toString());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("replayed"), r.stderr());
        for (byte[] nearMiss : List.of(file, otherGuid, badCrc)) {
            Path p = Files.write(dir.resolve("near.vhdx"), nearMiss);
            assertEquals(0, QemuImg.run("info", "-f", "vhdx", p.toString()).exitCode());
        }
    }

    @Test
    void regionTableEntriesOverlapping() throws IOException {
        VhdxImageBuilder b = small();
        byte[] file = b.build();
        ByteBuffer le = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        // The metadata region entry (second entry) moved onto the BAT region.
        for (long table : new long[] {VhdxRegionTable.FIRST_OFFSET, VhdxRegionTable.SECOND_OFFSET}) {
            le.putLong((int) table + 16 + 32 + 16, VhdxImageBuilder.BAT_OFFSET);
        }
        VhdxImageBuilder.sealAll(file);
        assertEquals(List.of(Check.VHDX_REGION_TABLE.id()), problems(file));

        // Near miss: regions exactly adjacent (the builder's layout) are fine.
        assertEquals(VhdxImageBuilder.BAT_OFFSET + b.batLength(), b.metadataOffset());
        assertSafe(b.build());

        VhdxImageBuilder onLog = small();                        // an extra region over the log
        onLog.extraRegions.add(new VhdxImageBuilder.ExtraRegion(VhdxGuid.parse("12345678-1234-1234-1234-123456789ABC"),
                VhdxImageBuilder.LOG_OFFSET, MiB, false));
        assertEquals(List.of(Check.VHDX_REGION_TABLE.id()), problems(onLog.build()));
    }

    @Test
    void unknownRegions() throws IOException {
        VhdxImageBuilder b = small();
        b.padding = MiB;
        VhdxImageBuilder.ExtraRegion optional = new VhdxImageBuilder.ExtraRegion(
                VhdxGuid.parse("12345678-1234-1234-1234-123456789ABC"), b.blockOffset(b.blocks.size()), MiB, false);
        b.extraRegions.add(optional);
        assertSafe(b.build());                                   // an unknown region that is not required

        b.extraRegions.set(0, new VhdxImageBuilder.ExtraRegion(optional.id(), optional.offset(), MiB, true));
        assertEquals(List.of(Check.VHDX_REGION_TABLE.id()), problems(b.build()));

        b.extraRegions.set(0, new VhdxImageBuilder.ExtraRegion(optional.id(), optional.offset() + MiB, MiB, false));
        assertEquals(List.of(Check.VHDX_REGION_TABLE.id()), problems(b.build()));   // past the end of the file
    }

    @Test
    void regionTableCopies() throws IOException {
        byte[] file = small().build();
        byte[] damaged = file.clone();
        damaged[(int) VhdxRegionTable.SECOND_OFFSET + 1000] ^= 1;
        InspectionReport report = inspect(damaged);
        assertTrue(report.safe(), "the first copy is the one read");
        assertEquals(List.of(Check.VHDX_CHECKSUM.id()), report.warnings().stream().map(Finding::check).toList());

        byte[] differ = file.clone();
        differ[(int) VhdxRegionTable.SECOND_OFFSET + 1000] ^= 1;
        VhdxImageBuilder.seal(differ, (int) VhdxRegionTable.SECOND_OFFSET, VhdxRegionTable.SIZE);
        assertEquals(List.of(Check.VHDX_REGION_TABLE.id()), problems(differ));

        byte[] firstBad = file.clone();
        firstBad[(int) VhdxRegionTable.FIRST_OFFSET + 1000] ^= 1;
        assertEquals(List.of(Check.VHDX_CHECKSUM.id()), problems(firstBad));
    }

    @Test
    void batEntryPastTheEndOfTheFile() throws IOException {
        VhdxImageBuilder b = small();
        byte[] file = b.build();
        putBatEntry(file, b.payloadIndex(2), (long) file.length | VhdxBat.PAYLOAD_FULLY_PRESENT);
        assertEquals(List.of(Check.VHDX_BAT.id()), problems(file));
        try (VirtualDisk disk = VHDX.open(new MemoryByteSource("x", file), Limits.DEFAULT)) {
            ImageFormatException e = assertThrows(ImageFormatException.class, () -> readAll(disk));
            assertEquals(Check.VHDX_BAT, e.check());
        }

        // Near miss: a last block whose part beyond the virtual size is missing from the file
        // (qemu has written such files) is fine.
        VhdxImageBuilder partial = small();
        partial.blocks.put(3L, pattern(MiB, 3));
        partial.states.remove(3L);
        byte[] whole = partial.build();
        byte[] cut = Arrays.copyOf(whole, whole.length - MiB / 2);
        assertSafe(cut);
        try (VirtualDisk disk = VHDX.open(new MemoryByteSource("x", cut), Limits.DEFAULT)) {
            assertArrayEquals(expectedContent(partial), readAll(disk));
        }
        byte[] cutMore = Arrays.copyOf(whole, whole.length - MiB / 2 - 512);
        assertEquals(List.of(Check.VHDX_BAT.id()), problems(cutMore));
    }

    @Test
    void batEntriesIntoMetadataOrOverEachOther() throws IOException {
        VhdxImageBuilder b = small();
        byte[] file = b.build();
        putBatEntry(file, b.payloadIndex(2), b.metadataOffset() | VhdxBat.PAYLOAD_FULLY_PRESENT);
        assertEquals(List.of(Check.VHDX_BAT.id()), problems(file));

        file = b.build();
        putBatEntry(file, b.payloadIndex(2), b.blockOffset(0) | VhdxBat.PAYLOAD_FULLY_PRESENT);
        assertEquals(List.of(Check.VHDX_BAT.id()), problems(file));

        file = b.build();
        putBatEntry(file, b.payloadIndex(2), b.blockOffset(1) | 4);     // reserved state
        assertEquals(List.of(Check.VHDX_BAT.id()), problems(file));

        VhdxImageBuilder big = multiChunk();                    // big enough to have a sector bitmap entry
        file = big.build();
        assertSafe(file);
        putBatEntry(file, big.bitmapIndex(0), 3);               // reserved sector bitmap state
        assertEquals(List.of(Check.VHDX_BAT.id()), problems(file));
    }

    @Test
    void batRegionTooSmallForTheVirtualSize() throws IOException {
        VhdxImageBuilder b = small();
        byte[] file = b.build();
        ByteBuffer le = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int sizeItem = (int) b.metadataOffset() + VhdxMetadata.TABLE_SIZE + 8;
        le.putLong(sizeItem, 1L << 40);                          // 1 TiB in 1 MiB blocks: an 8 MiB BAT
        assertEquals(List.of(Check.VHDX_BAT.id()), problems(file));
        le.putLong(sizeItem, (1L << 46) + 512);                  // past 64 TiB
        assertEquals(List.of(Check.VHDX_METADATA.id()), problems(file));
    }

    @Test
    void unknownRequiredMetadataItem() throws IOException {
        VhdxImageBuilder b = small();
        VhdxGuid unknown = VhdxGuid.parse("F00DF00D-0000-4000-8000-00000000F00D");
        b.extraItems.add(new VhdxImageBuilder.ExtraItem(unknown, 0, new byte[16]));
        assertSafe(b.build());                                   // near miss: not required
        b.extraItems.set(0, new VhdxImageBuilder.ExtraItem(unknown, 4, new byte[16]));
        assertEquals(List.of(Check.VHDX_METADATA.id()), problems(b.build()));
    }

    @Test
    void metadataOutOfRange() throws IOException {
        VhdxImageBuilder b = small();
        byte[] file = b.build();
        ByteBuffer le = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int table = (int) b.metadataOffset();
        le.putInt(table + 32 + 32 + 16, VhdxMetadata.TABLE_SIZE);   // virtual size item onto file parameters
        assertEquals(List.of(Check.VHDX_METADATA.id()), problems(file));

        file = b.build();
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(table + VhdxMetadata.TABLE_SIZE, 3 * MiB);
        assertEquals(List.of(Check.VHDX_METADATA.id()), problems(file));   // block size not a power of two

        file = b.build();
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putShort(table + 10, (short) 4);
        assertEquals(List.of(Check.VHDX_METADATA.id()), problems(file));   // physical sector size item gone
    }

    @Test
    void differencingFileIsRefused() throws IOException {
        VhdxImageBuilder b = small();
        b.hasParent = true;
        InspectionReport report = inspect(b.build());
        assertEquals("differencing", report.subformat());
        assertEquals(List.of(Check.VHDX_DIFFERENCING.id()), report.problems().stream().map(Finding::check).toList());
        assertThrows(ImageFormatException.class, () -> VHDX.open(new MemoryByteSource("x", b.build()), Limits.DEFAULT));
    }

    @Test
    void partiallyPresentBlocksAreForDifferencingFilesOnlyButReadThroughTheirBitmap() throws IOException {
        VhdxImageBuilder b = multiChunk();
        b.states.put(2L, VhdxBat.PAYLOAD_PARTIALLY_PRESENT);
        byte[] bitmap = new byte[MiB];
        // Block 2 covers sectors 4096..6143 of chunk 0; only its sectors 1 and 2 are present.
        bitmap[2 * 2048 / 8] = 0b0000_0110;
        b.bitmaps.put(0L, bitmap);
        byte[] file = b.build();
        assertEquals(List.of(Check.VHDX_BAT.id()), problems(file));

        try (VirtualDisk disk = VHDX.open(new MemoryByteSource("x", file), Limits.DEFAULT)) {
            ByteBuffer content = ByteBuffer.allocate(MiB);
            disk.read(2L * MiB, content);
            byte[] expected = new byte[MiB];
            System.arraycopy(b.blocks.get(2L), 512, expected, 512, 1024);
            assertArrayEquals(expected, content.array());
            ExtentCursor c = disk.extents(2L * MiB);
            assertEquals(Extent.unallocated(2L * MiB, 512), c.next());
            assertEquals(Extent.data(2L * MiB + 512, 1024, b.blockOffset(1) + 512), c.next());
            assertEquals(Extent.unallocated(2L * MiB + 1536, MiB - 1536), c.next());
        }

        b.bitmaps.clear();                                        // no bitmap block for the chunk
        try (VirtualDisk disk = VHDX.open(new MemoryByteSource("x", b.build()), Limits.DEFAULT)) {
            assertEquals(Check.VHDX_BAT, assertThrows(ImageFormatException.class,
                    () -> disk.read(2L * MiB, ByteBuffer.allocate(512))).check());
        }
    }

    @Test
    void truncatedCopiesAreRefusedWithACheckOrReadTheSame() throws IOException {
        VhdxImageBuilder b = small();
        byte[] whole = b.build();
        byte[] expected = expectedContent(b);
        Random random = new Random(5);
        for (int i = 0; i < 40; i++) {
            int length = random.nextInt(whole.length);
            byte[] cut = Arrays.copyOf(whole, length);
            InspectionReport report = inspect(cut);
            assertEquals("vhdx", report.format(), "length " + length);
            assertFalse(report.safe(), "cut at " + length);
            for (Finding f : report.problems()) {
                assertTrue(f.check().startsWith("vhdx.") || f.check().startsWith("format.")
                        || f.check().startsWith("limits."), f.toString());
            }
            try (VirtualDisk disk = VHDX.open(new MemoryByteSource("x", cut), Limits.DEFAULT)) {
                assertArrayEquals(expected, readAll(disk));
            } catch (ImageFormatException | EOFException e) {
                // refused: fine
            }
        }
    }
}
