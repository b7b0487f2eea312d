package org.glanceconvert.format.vmdk;

import static org.glanceconvert.format.vmdk.SparseExtentHeader.SECTOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;

/** Crafted hostile VMDKs, each refused with its check id, each next to a near miss that passes. */
class VmdkHostileImagesTest {

    // Header field offsets (SparseExtentHeader)
    private static final int CAPACITY = 12;
    private static final int GRAIN_SIZE = 20;
    private static final int DESCRIPTOR_SIZE = 36;
    private static final int GD_OFFSET = 56;

    static InspectionReport inspect(byte[] image) throws IOException {
        return inspect(image, Limits.DEFAULT);
    }

    static InspectionReport inspect(byte[] image, Limits limits) throws IOException {
        return TestImages.inspect(image, "h.vmdk", limits);
    }

    static List<Finding> check(byte[] image) throws IOException {
        return new VmdkFormat().check(new MemoryByteSource("h.vmdk", image), Limits.DEFAULT);
    }

    static VirtualDisk open(byte[] image) throws IOException {
        return new VmdkFormat().open(new MemoryByteSource("h.vmdk", image), Limits.DEFAULT);
    }

    static void readAll(VirtualDisk disk) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        for (long pos = 0; pos < disk.size(); pos += buf.capacity()) {
            buf.clear().limit((int) Math.min(buf.capacity(), disk.size() - pos));
            disk.read(pos, buf);
        }
    }

    static void walkExtents(VirtualDisk disk) throws IOException {
        ExtentCursor cursor = disk.extents(0);
        while (cursor.next() != null) {
            // walking follows every table entry
        }
    }

    static String problem(InspectionReport report, Check check) {
        assertEquals("vmdk", report.format());
        assertFalse(report.safe());
        return report.problems().stream().filter(p -> p.check().equals(check.id())).findFirst()
                .orElseThrow(() -> new AssertionError("expected " + check + " in " + report.problems())).message();
    }

    static void assertSafe(byte[] image) throws IOException {
        InspectionReport report = inspect(image);
        assertEquals("vmdk", report.format());
        assertTrue(report.safe(), report.problems().toString());
        assertEquals(List.of(), check(image));
        try (VirtualDisk disk = open(image)) {
            readAll(disk);
            walkExtents(disk);
        }
    }

    static boolean hasCheck(List<Finding> findings, Check check) {
        return findings.stream().anyMatch(f -> f.check().equals(check.id()));
    }

    static CraftedVmdk sparse() {
        return VmdkCraftedImagesTest.twoTables(new CraftedVmdk());
    }

    // --- extents in other files (CVE-2022-47951) ---

    static byte[] descriptorFile(String createType, String extent) {
        return ("# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType=\"" + createType
                + "\"\n\n# Extent description\n" + extent + "\n\n#DDB\nddb.adapterType = \"ide\"\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void flatDescriptorReadingEtcPasswd() throws IOException {
        InspectionReport report = inspect(descriptorFile("monolithicFlat", "RW 2048 FLAT \"/etc/passwd\" 0"));
        assertEquals("monolithicFlat", report.subformat());
        assertEquals(2048L * SECTOR, report.virtualSize());
        problem(report, Check.VMDK_DESCRIPTOR_ONLY);
        problem(report, Check.VMDK_SUBFORMAT);
        assertTrue(problem(report, Check.VMDK_EXTENT_FILE).contains("\"/etc/passwd\" (an absolute path"));
        ImageFormatAssert.refused(Check.VMDK_DESCRIPTOR_ONLY,
                () -> open(descriptorFile("monolithicFlat", "RW 2048 FLAT \"/etc/passwd\" 0")));
    }

    @Test
    void vmfsDescriptorClimbingOut() throws IOException {
        InspectionReport report = inspect(descriptorFile("vmfs", "RW 2048 VMFS \"../x\""));
        assertEquals("vmfs", report.subformat());
        problem(report, Check.VMDK_DESCRIPTOR_ONLY);
        assertTrue(problem(report, Check.VMDK_EXTENT_FILE).contains("'..'"));
    }

    @Test
    void plainTextIsNotADescriptor() throws IOException {
        byte[] prose = "# a shell script\necho version=1\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals("raw", inspect(prose).format());
        assertFalse(new VmdkFormat().matches(new MemoryByteSource("t", prose)));
        assertTrue(new VmdkFormat().matches(new MemoryByteSource("t", descriptorFile("vmfs", "RW 1 VMFS \"x\""))));
    }

    @Test
    void sparseDescriptorNamingAnotherFile() throws IOException {
        CraftedVmdk crafted = sparse();
        crafted.extentLine = "RW 4999 SPARSE \"../other.vmdk\"";
        assertTrue(problem(inspect(crafted.buildMonolithicSparse()), Check.VMDK_EXTENT_FILE).contains("'..'"));

        crafted.extentLine = "RW 4999 SPARSE \"crafted.vmdk\"\nRW 2048 FLAT \"/etc/passwd\" 0";
        assertTrue(problem(inspect(crafted.buildMonolithicSparse()), Check.VMDK_EXTENT_FILE).contains("/etc/passwd"));

        crafted.extentLine = "RW 4999 SPARSE \"disk.vmdk\"";
        assertSafe(crafted.buildMonolithicSparse());
    }

    @Test
    void flatCreateTypeInASparseFile() throws IOException {
        CraftedVmdk crafted = sparse();
        crafted.createType = "monolithicFlat";
        crafted.extentLine = "RW 4999 FLAT \"crafted-flat.vmdk\" 0";
        InspectionReport report = inspect(crafted.buildMonolithicSparse());
        assertEquals("monolithicFlat", report.subformat());
        problem(report, Check.VMDK_SUBFORMAT);
        problem(report, Check.VMDK_EXTENT_FILE);
    }

    /** qemu reads a sparse header of capacity 0 through its descriptor's extents. */
    @Test
    void zeroCapacityFollowsTheDescriptor() throws IOException {
        CraftedVmdk crafted = sparse();
        crafted.extentLine = "RW 4999 SPARSE \"neighbour.vmdk\"";
        byte[] image = crafted.buildMonolithicSparse();
        CraftedVmdk.putLong(image, CAPACITY, 0);
        problem(inspect(image), Check.VMDK_EXTENT_FILE);
    }

    @Test
    void deltaDiskWithParent() throws IOException {
        CraftedVmdk crafted = sparse();
        crafted.descriptorExtra = "parentFileNameHint=\"base.vmdk\"\n";
        assertTrue(problem(inspect(crafted.buildMonolithicSparse()), Check.VMDK_PARENT).contains("base.vmdk"));
    }

    // --- descriptor ---

    @Test
    void hundredMegabyteDescriptorIsRefusedBeforeReading() throws IOException {
        byte[] image = sparse().buildMonolithicSparse();
        CraftedVmdk.putLong(image, DESCRIPTOR_SIZE, 100L * Limits.MiB / SECTOR);
        AtomicLong largestRead = new AtomicLong();
        ByteSource spy = new RecordingSource(new MemoryByteSource("h.vmdk", image), largestRead);
        InspectionReport report = new Inspector(Limits.DEFAULT).inspect(spy, "h.vmdk");
        assertTrue(problem(report, Check.LIMITS_DESCRIPTOR_SIZE).contains("104857600"));
        assertTrue(largestRead.get() <= 4 * SECTOR, "largest read " + largestRead.get());

        Limits exact = new Limits(Limits.TiB, Limits.MiB, 4 * SECTOR, Limits.MiB, Limits.GiB, 30_000);
        Limits tight = new Limits(Limits.TiB, Limits.MiB, 4 * SECTOR - 1, Limits.MiB, Limits.GiB, 30_000);
        byte[] normal = sparse().buildMonolithicSparse();
        assertTrue(inspect(normal, exact).safe());
        problem(inspect(normal, tight), Check.LIMITS_DESCRIPTOR_SIZE);
    }

    @Test
    void descriptorsThatToolsWouldReadDifferently() throws IOException {
        CraftedVmdk crafted = sparse();
        crafted.descriptorExtra = "createType=\"monolithicFlat\"\n";
        assertTrue(problem(inspect(crafted.buildMonolithicSparse()), Check.VMDK_DESCRIPTOR).contains("repeats"));

        crafted.descriptorExtra = "this line means nothing\n";
        problem(inspect(crafted.buildMonolithicSparse()), Check.VMDK_DESCRIPTOR);

        crafted.descriptorExtra = "";
        crafted.createType = "streamOptimized";
        problem(inspect(crafted.buildMonolithicSparse()), Check.VMDK_DESCRIPTOR);

        crafted.createType = null;
        crafted.extentLine = "RW 5000 SPARSE \"crafted.vmdk\"";
        assertTrue(problem(inspect(crafted.buildMonolithicSparse()), Check.VMDK_DESCRIPTOR).contains("5000"));

        crafted.extentLine = null;
        crafted.descriptorExtra = "ddb.adapterType = \"lsilogic\"\nddb.geometry.heads = \"255\"\n";
        assertSafe(crafted.buildMonolithicSparse());
    }

    @Test
    void descriptorOnlyTextFile() throws IOException {
        InspectionReport report = inspect(descriptorFile("monolithicSparse", "RW 4096 SPARSE \"disk-s001.vmdk\""));
        assertEquals("monolithicSparse", report.subformat());
        problem(report, Check.VMDK_DESCRIPTOR_ONLY);
        problem(report, Check.VMDK_EXTENT_FILE);
        assertEquals(List.of(Check.VMDK_DESCRIPTOR_ONLY.id(), Check.VMDK_EXTENT_FILE.id()),
                report.problems().stream().map(Finding::check).toList());
    }

    // --- header ---

    @Test
    void headerFieldsOutOfRange() throws IOException {
        byte[] image = sparse().buildMonolithicSparse();
        byte[] huge = image.clone();
        CraftedVmdk.putLong(huge, CAPACITY, Long.MAX_VALUE / SECTOR);
        problem(inspect(huge), Check.LIMITS_VIRTUAL_SIZE);
        byte[] grain = image.clone();
        CraftedVmdk.putLong(grain, GRAIN_SIZE, 12);
        problem(inspect(grain), Check.VMDK_HEADER);
        byte[] version = image.clone();
        CraftedVmdk.putInt(version, 4, 4);
        problem(inspect(version), Check.VMDK_HEADER);
        byte[] textMode = image.clone();
        textMode[75] = '\n';
        assertTrue(problem(inspect(textMode), Check.VMDK_HEADER).contains("text mode"));
        byte[] tables = image.clone();
        CraftedVmdk.putLong(tables, CAPACITY, 8L * Limits.TiB / SECTOR);
        CraftedVmdk.putLong(tables, GRAIN_SIZE, 1);
        problem(inspect(tables), Check.LIMITS_TABLE_SIZE);
        assertSafe(image);
    }

    // --- grain directory ---

    @Test
    void grainDirectoryPastTheEnd() throws IOException {
        CraftedVmdk crafted = sparse();
        byte[] image = crafted.buildMonolithicSparse();
        byte[] past = image.clone();
        CraftedVmdk.putLong(past, GD_OFFSET, image.length / SECTOR + 3);
        problem(inspect(past), Check.VMDK_GRAIN_DIRECTORY);
        ImageFormatAssert.refused(Check.VMDK_GRAIN_DIRECTORY, () -> open(past));
        assertSafe(image);

        CraftedVmdk stream = sparse();
        byte[] streamImage = stream.buildStreamOptimized();
        byte[] streamPast = streamImage.clone();
        CraftedVmdk.putLong(streamPast, stream.footerStart + SECTOR + GD_OFFSET, streamImage.length / SECTOR + 1);
        problem(inspect(streamPast), Check.VMDK_GRAIN_DIRECTORY);
        assertSafe(streamImage);
    }

    @Test
    void grainDirectoryEntriesIntoMetadataOrSharingATable() throws IOException {
        CraftedVmdk crafted = sparse();
        byte[] image = crafted.buildMonolithicSparse();
        byte[] intoHeader = image.clone();
        CraftedVmdk.putInt(intoHeader, crafted.gdSector * SECTOR + 4, 0);
        CraftedVmdk.putInt(intoHeader, crafted.gdSector * SECTOR, 1);
        assertTrue(problem(inspect(intoHeader), Check.VMDK_GRAIN_DIRECTORY).contains("descriptor"));
        byte[] shared = image.clone();
        CraftedVmdk.putInt(shared, crafted.gdSector * SECTOR + 4, (int) (long) crafted.gtSector.get(0));
        assertTrue(problem(inspect(shared), Check.VMDK_GRAIN_DIRECTORY).contains("overlap"));
        byte[] pastEnd = image.clone();
        CraftedVmdk.putInt(pastEnd, crafted.gdSector * SECTOR + 4, image.length / SECTOR - 1);
        problem(inspect(pastEnd), Check.VMDK_GRAIN_DIRECTORY);
    }

    // --- grain tables and grains ---

    @Test
    void grainTableEntryPastTheEnd() throws IOException {
        CraftedVmdk crafted = sparse();
        byte[] image = crafted.buildMonolithicSparse();
        byte[] past = image.clone();
        CraftedVmdk.putInt(past, crafted.gtSector.get(0) * SECTOR + 5 * 4, image.length / SECTOR + 100);
        assertTrue(inspect(past).safe(), "inspect does not walk grain tables");
        assertTrue(hasCheck(check(past), Check.VMDK_GRAIN), check(past).toString());
        try (VirtualDisk disk = open(past)) {
            assertTrue(ImageFormatAssert.refused(Check.VMDK_GRAIN, () -> readAll(disk)).contains("past the end"));
            ImageFormatAssert.refused(Check.VMDK_GRAIN, () -> walkExtents(disk));
        }
        // near miss: the last grain ends exactly at the end of the file
        assertEquals(image.length, (crafted.grainSector.get(624L) + crafted.grainSectors) * SECTOR);
        assertSafe(image);

        CraftedVmdk stream = sparse();
        byte[] streamImage = stream.buildStreamOptimized();
        CraftedVmdk.putInt(streamImage, stream.gtSector.get(1) * SECTOR + 4, streamImage.length / SECTOR + 1);
        assertTrue(hasCheck(check(streamImage), Check.VMDK_GRAIN));
    }

    @Test
    void grainsOverlappingMetadataOrEachOther() throws IOException {
        CraftedVmdk crafted = sparse();
        byte[] image = crafted.buildMonolithicSparse();
        long gt = crafted.gtSector.get(0) * SECTOR;
        byte[] intoTable = image.clone();
        CraftedVmdk.putInt(intoTable, gt + 5 * 4, (int) (long) crafted.gtSector.get(1));
        assertTrue(hasCheck(check(intoTable), Check.VMDK_GRAIN), check(intoTable).toString());
        byte[] twice = image.clone();
        CraftedVmdk.putInt(twice, gt + 5 * 4, (int) (long) crafted.grainSector.get(0L));
        assertTrue(check(twice).toString().contains("overlaps"), check(twice).toString());
        byte[] zeroWithoutFlag = image.clone();
        CraftedVmdk.putInt(zeroWithoutFlag, gt + 5 * 4, 1);
        try (VirtualDisk disk = open(zeroWithoutFlag)) {
            assertTrue(ImageFormatAssert.refused(Check.VMDK_GRAIN, () -> readAll(disk)).contains("inside the descriptor"));
        }
    }

    @Test
    void redundantDirectoryDisagreeing() throws IOException {
        CraftedVmdk crafted = sparse();
        byte[] image = crafted.buildMonolithicSparse();
        long redundantTable = crafted.rgdSector + 1;
        CraftedVmdk.putInt(image, redundantTable * SECTOR + 100 * 4, 0);
        assertTrue(inspect(image).safe());
        assertTrue(hasCheck(check(image), Check.VMDK_GRAIN_DIRECTORY), check(image).toString());
    }

    // --- stream-optimized ---

    @Test
    void forgedFooters() throws IOException {
        CraftedVmdk crafted = sparse();
        byte[] image = crafted.buildStreamOptimized();
        long footer = crafted.footerStart;

        byte[] capacity = image.clone();
        CraftedVmdk.putLong(capacity, footer + SECTOR + CAPACITY, 8 * 4999);
        assertTrue(problem(inspect(capacity), Check.VMDK_FOOTER).contains("capacity"));

        byte[] gdElsewhere = image.clone();
        CraftedVmdk.putLong(gdElsewhere, footer + SECTOR + GD_OFFSET, crafted.gtSector.get(0));
        assertTrue(problem(inspect(gdElsewhere), Check.VMDK_FOOTER).contains("marker"));

        byte[] noEos = image.clone();
        CraftedVmdk.putInt(noEos, image.length - SECTOR + 12, StreamMarker.GRAIN_TABLE);
        assertTrue(problem(inspect(noEos), Check.VMDK_FOOTER).contains("end-of-stream"));

        byte[] noFooterMarker = image.clone();
        CraftedVmdk.putInt(noFooterMarker, footer + 12, StreamMarker.GRAIN_DIRECTORY);
        problem(inspect(noFooterMarker), Check.VMDK_FOOTER);

        byte[] cutShort = Arrays.copyOf(image, image.length - SECTOR);
        problem(inspect(cutShort), Check.VMDK_FOOTER);

        byte[] footerAtEnd = image.clone();
        CraftedVmdk.putLong(footerAtEnd, footer + SECTOR + GD_OFFSET, SparseExtentHeader.GD_AT_END);
        problem(inspect(footerAtEnd), Check.VMDK_FOOTER);

        ImageFormatAssert.refused(Check.VMDK_FOOTER, () -> open(capacity));
        assertSafe(image);

        // near miss: writers that leave the markers' sector counts 0
        byte[] zeroCounts = image.clone();
        CraftedVmdk.putLong(zeroCounts, footer, 0);
        CraftedVmdk.putLong(zeroCounts, (crafted.gdSector - 1) * SECTOR, 0);
        CraftedVmdk.putLong(zeroCounts, (crafted.gtSector.get(0) - 1) * SECTOR, 0);
        assertSafe(zeroCounts);
        byte[] tooFew = image.clone();
        CraftedVmdk.putLong(tooFew, (crafted.gtSector.get(0) - 1) * SECTOR, 3);
        assertTrue(hasCheck(check(tooFew), Check.VMDK_GRAIN_TABLE));
    }

    @Test
    void compressedGrainsThatLie() throws IOException {
        CraftedVmdk base = sparse();
        int grain = base.grainBytes();

        CraftedVmdk tooBig = sparse();
        byte[] more = new byte[grain + 1];
        new java.util.Random(3).nextBytes(more);
        tooBig.rawCompressed.put(2L, CraftedVmdk.zlib(more));
        byte[] bomb = tooBig.buildStreamOptimized();
        assertTrue(inspect(bomb).safe());
        assertTrue(hasCheck(check(bomb), Check.VMDK_GRAIN));
        try (VirtualDisk disk = open(bomb)) {
            assertTrue(ImageFormatAssert.refused(Check.VMDK_GRAIN, () -> readAll(disk)).contains("past the grain size"));
        }

        CraftedVmdk zeros = sparse();
        zeros.rawCompressed.put(2L, CraftedVmdk.zlib(new byte[64 * grain]));
        try (VirtualDisk disk = open(zeros.buildStreamOptimized())) {
            ImageFormatAssert.refused(Check.VMDK_GRAIN, () -> readAll(disk));
        }

        CraftedVmdk shortGrain = sparse();
        shortGrain.rawCompressed.put(2L, CraftedVmdk.zlib(new byte[grain - 1]));
        try (VirtualDisk disk = open(shortGrain.buildStreamOptimized())) {
            assertTrue(ImageFormatAssert.refused(Check.VMDK_GRAIN, () -> readAll(disk)).contains("fewer"));
        }

        CraftedVmdk garbage = sparse();
        garbage.rawCompressed.put(2L, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertTrue(hasCheck(check(garbage.buildStreamOptimized()), Check.VMDK_GRAIN));

        // near miss: a grain whose zlib data inflates to exactly one grain
        CraftedVmdk exact = sparse();
        byte[] whole = new byte[grain];
        Arrays.fill(whole, (byte) 9);
        exact.grains.put(2L, whole);
        byte[] ok = exact.buildStreamOptimized();
        assertSafe(ok);
        try (VirtualDisk disk = open(ok)) {
            byte[] got = new byte[grain];
            disk.read(2L * grain, ByteBuffer.wrap(got));
            assertArrayEquals(whole, got);
        }
    }

    @Test
    void markersThatLie() throws IOException {
        CraftedVmdk crafted = sparse();
        byte[] image = crafted.buildStreamOptimized();
        byte[] wrongLba = image.clone();
        CraftedVmdk.putLong(wrongLba, crafted.grainSector.get(100L) * SECTOR, 0);
        try (VirtualDisk disk = open(wrongLba)) {
            assertTrue(ImageFormatAssert.refused(Check.VMDK_GRAIN, () -> readAll(disk)).contains("LBA"));
        }
        assertTrue(hasCheck(check(wrongLba), Check.VMDK_GRAIN));

        byte[] hugeSize = image.clone();
        CraftedVmdk.putInt(hugeSize, crafted.grainSector.get(100L) * SECTOR + 8, Integer.MAX_VALUE);
        assertTrue(hasCheck(check(hugeSize), Check.VMDK_GRAIN));

        byte[] noTableMarker = image.clone();
        CraftedVmdk.putInt(noTableMarker, (crafted.gtSector.get(0) - 1) * SECTOR + 12, StreamMarker.FOOTER);
        assertTrue(hasCheck(check(noTableMarker), Check.VMDK_GRAIN_TABLE));
        try (VirtualDisk disk = open(noTableMarker)) {
            ImageFormatAssert.refused(Check.VMDK_GRAIN_TABLE, () -> readAll(disk));
        }
    }

    /** A ByteSource that remembers the largest single read asked of it. */
    static final class RecordingSource implements ByteSource {
        private final ByteSource inner;
        private final AtomicLong largest;

        RecordingSource(ByteSource inner, AtomicLong largest) {
            this.inner = inner;
            this.largest = largest;
        }

        @Override
        public long size() throws IOException {
            return inner.size();
        }

        @Override
        public int read(long position, ByteBuffer dst) throws IOException {
            largest.accumulateAndGet(dst.remaining(), Math::max);
            return inner.read(position, dst);
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }
}
