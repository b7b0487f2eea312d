package org.glanceconvert.format.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import org.glanceconvert.testing.MapAgreement;
import org.glanceconvert.testing.QemuImg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Crafted qcow2 images, each breaking one thing, each with the exact check id expected, and each
 * next to a near miss that is fine.
 */
class Qcow2HostileTest {
    private static final Qcow2Format FORMAT = new Qcow2Format();
    private static final int CS = 65536;

    @TempDir
    Path dir;

    // ---- the valid image every case starts from

    @ParameterizedTest(name = "cluster_bits {0}, extended L2 {1}")
    @CsvSource({"9, false", "16, false", "14, true", "21, true"})
    void craftedImageIsValid(int clusterBits, boolean extendedL2) throws IOException {
        CraftedQcow2 c = new CraftedQcow2(clusterBits, extendedL2);
        FormatReport report = inspect(c);
        assertEquals(List.of(), report.problems());
        assertEquals(List.of(), report.warnings());
        assertEquals("v3", report.subformat());
        assertEquals((long) c.expected.length, report.virtualSize());
        assertEquals(1L << clusterBits, report.clusterSize());
        assertEquals(List.of(), check(c));
        try (VirtualDisk disk = FORMAT.open(c.source(), Limits.DEFAULT)) {
            assertArrayEquals(c.expected, readAll(disk));
            int cs = c.clusterSize;
            List<Extent> extents = extents(disk, 0);
            assertEquals(List.of(Extent.data(0, 2L * cs, 5L * cs), Extent.zero(2L * cs, cs),
                    Extent.data(3L * cs, cs, -1), Extent.unallocated(4L * cs, 12L * cs)), extents);
            assertEquals(Extent.data(cs + 100, cs - 100, 6L * cs + 100), extents(disk, cs + 100).get(0));
        }
        QemuImg.assumeAvailable();
        Path file = Files.write(dir.resolve("crafted.qcow2"), c.bytes);
        assertEquals(0, QemuImg.check(file, "qcow2").exitCode(), QemuImg.check(file, "qcow2").stdout());
        Path raw = QemuImg.convert(file, "qcow2", dir.resolve("crafted.raw"), "raw", null);
        assertArrayEquals(c.expected, Files.readAllBytes(raw));
        try (VirtualDisk disk = FORMAT.open(c.source(), Limits.DEFAULT)) {
            MapAgreement.assertSameMap(file, "qcow2", disk);
        }
    }

    // ---- header: things that make an image unsafe

    @Test
    void backingFile() throws IOException {
        byte[] name = "/etc/passwd".getBytes(StandardCharsets.US_ASCII);
        CraftedQcow2 c = CraftedQcow2.standard().put(0x400, name).putLong(8, 0x400).putInt(16, name.length);
        FormatReport report = inspectProblem(c, Check.QCOW2_BACKING_FILE);
        assertTrue(report.problems().get(0).message().contains("/etc/passwd"), report.problems().toString());
        assertOpenRefused(c, Check.QCOW2_BACKING_FILE);
        InspectionReport inspected = new Inspector(Limits.DEFAULT).inspect(c.source(), "x", "raw");
        assertEquals("qcow2", inspected.format());
        assertFalse(inspected.safe());
        assertEquals(false, inspected.matchesDeclared());
        // near miss: a name stored but no offset pointing at it
        assertFine(CraftedQcow2.standard().put(0x400, name));
        // the size alone is enough to refuse
        inspectProblem(CraftedQcow2.standard().putInt(16, 10), Check.QCOW2_BACKING_FILE);
    }

    @Test
    void externalDataFile() throws IOException {
        inspectProblem(CraftedQcow2.standard().putLong(72, Qcow2Header.INCOMPAT_DATA_FILE), Check.QCOW2_DATA_FILE);
        assertOpenRefused(CraftedQcow2.standard().putLong(72, Qcow2Header.INCOMPAT_DATA_FILE), Check.QCOW2_DATA_FILE);
        CraftedQcow2 withName = withExtension(CraftedQcow2.standard(), HeaderExtensions.DATA_FILE,
                "/dev/sda".getBytes(StandardCharsets.US_ASCII));
        FormatReport report = inspectProblem(withName, Check.QCOW2_DATA_FILE);
        assertTrue(report.problems().toString().contains("/dev/sda"));
        inspectProblem(CraftedQcow2.standard().putLong(88, Qcow2Header.AUTOCLEAR_RAW_DATA_FILE), Check.QCOW2_DATA_FILE);
        // near miss: an unknown extension type with the same content is skipped
        assertFine(withExtension(CraftedQcow2.standard(), 0x44415442, "/dev/sda".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void unknownIncompatibleFeatures() throws IOException {
        inspectProblem(CraftedQcow2.standard().putLong(72, 1L << 5), Check.QCOW2_INCOMPATIBLE_FEATURES);
        inspectProblem(CraftedQcow2.standard().putLong(72, 1L << 63), Check.QCOW2_INCOMPATIBLE_FEATURES);
        byte[] table = new byte[48];
        table[0] = 0;
        table[1] = 9;
        System.arraycopy("time travel".getBytes(StandardCharsets.US_ASCII), 0, table, 2, 11);
        CraftedQcow2 named = withExtension(CraftedQcow2.standard(), HeaderExtensions.FEATURE_TABLE, table)
                .putLong(72, 1L << 9);
        FormatReport report = inspectProblem(named, Check.QCOW2_INCOMPATIBLE_FEATURES);
        assertTrue(report.problems().get(0).message().contains("time travel"), report.problems().toString());
        assertOpenRefused(named, Check.QCOW2_INCOMPATIBLE_FEATURES);
        // near miss: an unknown compatible feature is only a warning
        FormatReport compatible = inspect(CraftedQcow2.standard().putLong(80, 1L << 7));
        assertEquals(List.of(), compatible.problems());
        assertEquals(List.of("qcow2.compatible_features"), warningIds(compatible));
    }

    @Test
    void encryption() throws IOException {
        inspectProblem(CraftedQcow2.standard().putInt(32, 1), Check.QCOW2_ENCRYPTED);
        inspectProblem(CraftedQcow2.standard().putInt(32, 2), Check.QCOW2_ENCRYPTED);
        assertOpenRefused(CraftedQcow2.standard().putInt(32, 2), Check.QCOW2_ENCRYPTED);
        inspectProblem(withExtension(CraftedQcow2.standard(), HeaderExtensions.ENCRYPTION_HEADER, new byte[16]),
                Check.QCOW2_ENCRYPTED);
    }

    @Test
    void corruptBitIsAProblemAndDirtyBitAWarning() throws IOException {
        inspectProblem(CraftedQcow2.standard().putLong(72, Qcow2Header.INCOMPAT_CORRUPT), Check.QCOW2_CORRUPT);
        FormatReport dirty = inspect(CraftedQcow2.standard().putLong(72, Qcow2Header.INCOMPAT_DIRTY));
        assertEquals(List.of(), dirty.problems());
        assertEquals(List.of("qcow2.dirty"), warningIds(dirty));
        FormatReport lazy = inspect(CraftedQcow2.standard().putLong(80, Qcow2Header.COMPAT_LAZY_REFCOUNTS));
        assertEquals(List.of("qcow2.lazy_refcounts"), warningIds(lazy));
    }

    @Test
    void versions() throws IOException {
        CraftedQcow2 v1 = CraftedQcow2.standard().putInt(4, 1);
        assertFalse(FORMAT.matches(v1.source()), "qcow version 1 is another format");
        assertFalse(FORMAT.matches(CraftedQcow2.standard().putInt(4, 0).source()));
        InspectionReport asRaw = new Inspector(Limits.DEFAULT).inspect(v1.source(), "x");
        assertFalse("qcow2".equals(asRaw.format()));

        CraftedQcow2 v4 = CraftedQcow2.standard().putInt(4, 4);
        assertTrue(FORMAT.matches(v4.source()));
        inspectProblem(v4, Check.QCOW2_VERSION);
        assertOpenRefused(v4, Check.QCOW2_VERSION);
        inspectProblem(CraftedQcow2.standard().putInt(4, -1), Check.QCOW2_VERSION);

        // near miss: version 2 reads the same image (the fields after byte 72 are zero where it matters)
        CraftedQcow2 v2 = new CraftedQcow2(16, false).putInt(4, 2);
        v2.putL2(2, 0, 0); // version 2 has no zero flag
        FormatReport report = inspect(v2);
        assertEquals(List.of(), report.problems());
        assertEquals("v2", report.subformat());
        assertEquals(List.of(), check(v2));
        // ... but not with the v3 zero flag
        assertReadFails(new CraftedQcow2(16, false).putInt(4, 2), Check.QCOW2_DATA_CLUSTER);
    }

    @Test
    void headerFieldRanges() throws IOException {
        inspectProblem(CraftedQcow2.standard().putInt(20, 8), Check.QCOW2_HEADER);
        inspectProblem(CraftedQcow2.standard().putInt(20, 22), Check.QCOW2_HEADER);
        inspectProblem(CraftedQcow2.standard().putInt(20, -1), Check.QCOW2_HEADER);
        inspectProblem(CraftedQcow2.standard().putInt(96, 7), Check.QCOW2_HEADER);
        inspectProblem(CraftedQcow2.standard().putInt(100, 100), Check.QCOW2_HEADER);
        inspectProblem(CraftedQcow2.standard().putInt(100, 116), Check.QCOW2_HEADER);
        inspectProblem(CraftedQcow2.standard().putInt(100, CS + 8), Check.QCOW2_HEADER);
        inspectProblem(new CraftedQcow2(13, false).putLong(72, Qcow2Header.INCOMPAT_EXTENDED_L2), Check.QCOW2_HEADER);
        inspectProblem(CraftedQcow2.standard().putLong(72, Qcow2Header.INCOMPAT_COMPRESSION_TYPE), Check.QCOW2_HEADER);
        CraftedQcow2 unknownType = CraftedQcow2.standard()
                .putLong(72, Qcow2Header.INCOMPAT_COMPRESSION_TYPE).put(104, new byte[] {2});
        inspectProblem(unknownType, Check.QCOW2_HEADER);
        // near miss: zstd declared properly is fine for inspect (this image's cluster is deflate,
        // which reading then refuses)
        CraftedQcow2 zstd = CraftedQcow2.standard().putLong(72, Qcow2Header.INCOMPAT_COMPRESSION_TYPE)
                .put(104, new byte[] {1});
        assertEquals(List.of(), inspect(zstd).problems());
        assertReadFails(zstd, Check.QCOW2_COMPRESSED_CLUSTER);
        // refcount orders other than 4 are legal
        assertEquals(List.of(), inspect(CraftedQcow2.standard().putInt(96, 6)).problems());
    }

    @Test
    void virtualSizeBeyondLimits() throws IOException {
        CraftedQcow2 huge = CraftedQcow2.standard().putLong(24, Long.MAX_VALUE);
        inspectProblem(huge, Check.LIMITS_VIRTUAL_SIZE);
        InspectionReport inspected = new Inspector(Limits.DEFAULT).inspect(huge.source(), "x");
        assertTrue(inspected.hasProblem(Check.LIMITS_VIRTUAL_SIZE.id()), inspected.problems().toString());
        assertOpenRefused(huge, Check.LIMITS_VIRTUAL_SIZE);
        assertTrue(ids(check(huge)).contains(Check.LIMITS_VIRTUAL_SIZE.id()));
        inspectProblem(CraftedQcow2.standard().putLong(24, -512), Check.LIMITS_VIRTUAL_SIZE);

        Limits oneMiB = Limits.DEFAULT.withMaxVirtualSize(Limits.MiB);
        assertEquals(List.of(), FORMAT.inspect(CraftedQcow2.standard().source(), oneMiB).problems());
        CraftedQcow2 bigger = CraftedQcow2.standard().putLong(24, Limits.MiB + 512);
        assertTrue(FORMAT.inspect(bigger.source(), oneMiB).hasProblem(Check.LIMITS_VIRTUAL_SIZE));
    }

    // ---- top-level tables

    @Test
    void l1Table() throws IOException {
        inspectProblem(CraftedQcow2.standard().putInt(36, 0x0100_0000), Check.QCOW2_L1_TABLE); // 128 MiB
        inspectProblem(CraftedQcow2.standard().putInt(36, -1), Check.QCOW2_L1_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(40, 0), Check.QCOW2_L1_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(40, 64L * CS), Check.QCOW2_L1_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(40, 3L * CS + 8), Check.QCOW2_L1_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(40, Long.MIN_VALUE), Check.QCOW2_L1_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(40, CS).putLong(48, 3L * CS), Check.QCOW2_REFCOUNT_TABLE);
        // too small for the virtual size
        inspectProblem(CraftedQcow2.standard().putLong(24, 8L * Limits.GiB), Check.QCOW2_L1_TABLE);
        assertOpenRefused(CraftedQcow2.standard().putInt(36, 0x0100_0000), Check.QCOW2_L1_TABLE);
        // near miss: a longer L1 than needed, still inside the file
        assertFine(CraftedQcow2.standard().putInt(36, 2));
        // inside the file but above the table limit
        Limits small = new Limits(Limits.TiB, 4096, Limits.MiB, Limits.MiB, Limits.GiB, 30_000);
        assertTrue(FORMAT.inspect(CraftedQcow2.standard().putInt(36, 4096 / 8 + 1).source(), small)
                .hasProblem(Check.LIMITS_TABLE_SIZE));
    }

    @Test
    void l1Entries() throws IOException {
        inspectProblem(CraftedQcow2.standard().putLong(3L * CS, 100L * CS), Check.QCOW2_L2_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(3L * CS, 4L * CS + 512), Check.QCOW2_L2_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(3L * CS, 3L * CS), Check.QCOW2_L2_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(3L * CS, CS), Check.QCOW2_L2_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(3L * CS, 4L * CS | 1L << 60), Check.QCOW2_L2_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(3L * CS, 2L * CS), Check.QCOW2_OVERLAP);
        assertOpenRefused(CraftedQcow2.standard().putLong(3L * CS, 100L * CS), Check.QCOW2_L2_TABLE);
    }

    @Test
    void refcountTable() throws IOException {
        inspectProblem(CraftedQcow2.standard().putLong(48, 0), Check.QCOW2_REFCOUNT_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(48, 50L * CS), Check.QCOW2_REFCOUNT_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(48, CS + 512), Check.QCOW2_REFCOUNT_TABLE);
        inspectProblem(CraftedQcow2.standard().putInt(56, 0), Check.QCOW2_REFCOUNT_TABLE);
        inspectProblem(CraftedQcow2.standard().putInt(56, 1000), Check.QCOW2_REFCOUNT_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(CS, 90L * CS), Check.QCOW2_REFCOUNT_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(CS, 2L * CS + 1), Check.QCOW2_REFCOUNT_TABLE);
        inspectProblem(CraftedQcow2.standard().putLong(CS + 8, CS), Check.QCOW2_REFCOUNT_TABLE);
        assertOpenRefused(CraftedQcow2.standard().putLong(48, 0), Check.QCOW2_REFCOUNT_TABLE);
    }

    @Test
    void snapshotTable() throws IOException {
        FormatReport report = inspectProblem(CraftedQcow2.standard().putInt(60, 1).putLong(64, 50L * CS),
                Check.QCOW2_HEADER);
        assertEquals(List.of("qcow2.snapshots"), warningIds(report));
        inspectProblem(CraftedQcow2.standard().putInt(60, 1).putLong(64, 0), Check.QCOW2_HEADER);
        inspectProblem(CraftedQcow2.standard().putInt(60, 100_000).putLong(64, 4L * CS), Check.QCOW2_HEADER);
    }

    // ---- header extensions

    @Test
    void extensionRunningOffTheHeaderCluster() throws IOException {
        CraftedQcow2 c = CraftedQcow2.standard().putInt(CraftedQcow2.HEADER_LENGTH, 0x1234_5678)
                .putInt(CraftedQcow2.HEADER_LENGTH + 4, CS);
        inspectProblem(c, Check.QCOW2_EXTENSION);
        assertOpenRefused(c, Check.QCOW2_EXTENSION);
        inspectProblem(CraftedQcow2.standard().putInt(CraftedQcow2.HEADER_LENGTH, 0x1234_5678)
                .putInt(CraftedQcow2.HEADER_LENGTH + 4, -1), Check.QCOW2_EXTENSION);
        // near miss: an extension that ends exactly at the end of the header cluster
        int fits = CS - CraftedQcow2.HEADER_LENGTH - 8;
        assertFine(CraftedQcow2.standard().putInt(CraftedQcow2.HEADER_LENGTH, 0x1234_5678)
                .putInt(CraftedQcow2.HEADER_LENGTH + 4, fits));
        inspectProblem(CraftedQcow2.standard().putInt(CraftedQcow2.HEADER_LENGTH, 0x1234_5678)
                .putInt(CraftedQcow2.HEADER_LENGTH + 4, fits + 1), Check.QCOW2_EXTENSION);
        // the same known extension twice
        CraftedQcow2 twice = withExtension(CraftedQcow2.standard(), HeaderExtensions.BACKING_FORMAT, new byte[] {'r'});
        twice.putInt(CraftedQcow2.HEADER_LENGTH + 16, HeaderExtensions.BACKING_FORMAT)
                .putInt(CraftedQcow2.HEADER_LENGTH + 20, 1);
        inspectProblem(twice, Check.QCOW2_EXTENSION);
    }

    // ---- L2 entries and data clusters: found by reading and by check, not by inspect

    @Test
    void l2EntryIntoMetadata() throws IOException {
        for (long target : new long[] {CS, 2L * CS, 3L * CS, 4L * CS}) {
            CraftedQcow2 c = CraftedQcow2.standard().putL2(5, Qcow2Geometry.COPIED | target, 0);
            assertEquals(List.of(), inspect(c).problems(), "inspect does not walk L2 tables");
            assertReadFails(c, Check.QCOW2_DATA_CLUSTER);
            assertTrue(ids(check(c)).contains(Check.QCOW2_OVERLAP.id()), check(c).toString());
        }
        // a compressed cluster inside the header cluster
        CraftedQcow2 c = CraftedQcow2.standard();
        c.putL2(3, c.compressedEntry(100, c.compressedLength), 0);
        assertReadFails(c, Check.QCOW2_COMPRESSED_CLUSTER);
        assertTrue(ids(check(c)).contains(Check.QCOW2_COMPRESSED_CLUSTER.id()));
    }

    @Test
    void l2EntryPastEndOfFile() throws IOException {
        CraftedQcow2 c = CraftedQcow2.standard().putL2(5, Qcow2Geometry.COPIED | 200L * CS, 0);
        assertReadFails(c, Check.QCOW2_DATA_CLUSTER);
        assertEquals(List.of(Check.QCOW2_DATA_CLUSTER.id()), ids(check(c)));
        // near miss: a data cluster that is the last full cluster of the file
        CraftedQcow2 last = CraftedQcow2.standard();
        long at = last.appendCluster(new byte[] {5, 6, 7});
        last.putL2(5, Qcow2Geometry.COPIED | at, 0).refcount((int) (at / CS), 1);
        assertFine(last);
        // one byte short of that cluster
        CraftedQcow2 shortOne = CraftedQcow2.standard();
        long at2 = shortOne.appendCluster(new byte[] {5});
        shortOne.putL2(5, Qcow2Geometry.COPIED | at2, 0).refcount((int) (at2 / CS), 1).truncate((int) at2 + CS - 1);
        assertReadFails(shortOne, Check.QCOW2_DATA_CLUSTER);
        assertTrue(ids(check(shortOne)).contains(Check.QCOW2_DATA_CLUSTER.id()));
    }

    @Test
    void l2EntryWithReservedBitsOrMisaligned() throws IOException {
        assertReadFails(CraftedQcow2.standard().putL2(0, Qcow2Geometry.COPIED | 5L * CS | 2, 0), Check.QCOW2_DATA_CLUSTER);
        assertReadFails(CraftedQcow2.standard().putL2(0, Qcow2Geometry.COPIED | 5L * CS | 1L << 58, 0),
                Check.QCOW2_DATA_CLUSTER);
        assertReadFails(CraftedQcow2.standard().putL2(0, Qcow2Geometry.COPIED | 5L * CS + 4096, 0),
                Check.QCOW2_DATA_CLUSTER);
        assertTrue(ids(check(CraftedQcow2.standard().putL2(0, 5L * CS + 4096, 0))).contains(Check.QCOW2_DATA_CLUSTER.id()));
        // near miss: a zero cluster that keeps its preallocated host cluster (as qemu writes it)
        assertFine(CraftedQcow2.standard().putL2(1, Qcow2Geometry.COPIED | 6L * CS | Qcow2Geometry.ZERO, 0));
    }

    @Test
    void twoL2EntriesOnOneDataCluster() throws IOException {
        CraftedQcow2 c = CraftedQcow2.standard().putL2(1, Qcow2Geometry.COPIED | 5L * CS, 0);
        assertEquals(List.of(), inspect(c).problems());
        assertTrue(ids(check(c)).contains(Check.QCOW2_REFCOUNT.id()), check(c).toString());
        // near miss: shared and counted twice, as after a snapshot (COPIED clear): consistent
        CraftedQcow2 shared = CraftedQcow2.standard().putL2(0, 5L * CS, 0).putL2(1, 5L * CS, 0).refcount(5, 2)
                .refcount(6, 0);
        assertEquals(List.of(), check(shared));
        // an L2 entry pointing at another structure's cluster is an overlap
        CraftedQcow2 atL2 = CraftedQcow2.standard().putL2(7, Qcow2Geometry.COPIED | 4L * CS, 0);
        assertTrue(ids(check(atL2)).contains(Check.QCOW2_OVERLAP.id()));
    }

    @Test
    void refcountMismatchesAndLeaks() throws IOException {
        assertEquals(List.of(Check.QCOW2_REFCOUNT.id()), ids(check(CraftedQcow2.standard().refcount(5, 0))));
        assertEquals(List.of(Check.QCOW2_REFCOUNT.id()), ids(check(CraftedQcow2.standard().refcount(20, 1))));
        // COPIED flag disagreeing with the refcount
        assertEquals(List.of(Check.QCOW2_REFCOUNT.id()),
                ids(check(CraftedQcow2.standard().putL2(0, 5L * CS, 0))));
        assertEquals(List.of(Check.QCOW2_REFCOUNT.id()), ids(check(CraftedQcow2.standard().putLong(3L * CS, 4L * CS))));
    }

    @Test
    void compressedClusterRunningPastEndOfFile() throws IOException {
        CraftedQcow2 c = CraftedQcow2.standard();
        int shift = 62 - 8;
        c.putL2(3, Qcow2Geometry.COMPRESSED | (200L << shift) | c.compressedOffset, 0);
        assertReadFails(c, Check.QCOW2_COMPRESSED_CLUSTER);
        assertTrue(ids(check(c)).contains(Check.QCOW2_COMPRESSED_CLUSTER.id()));
        // near miss: the base image's compressed cluster ends the file mid-sector, as qemu's may
        assertFine(CraftedQcow2.standard());
        // its data cut short by a few bytes
        CraftedQcow2 cut = CraftedQcow2.standard().truncate((int) c.compressedOffset + c.compressedLength - 3);
        assertReadFails(cut, Check.QCOW2_COMPRESSED_CLUSTER);
    }

    @Test
    void compressedDataOfTheWrongSize() throws IOException {
        for (int size : new int[] {CS + 1000, CS + 1, CS - 1, 100}) {
            CraftedQcow2 c = CraftedQcow2.standard();
            byte[] deflated = CraftedQcow2.deflate(CraftedQcow2.compressibleCluster(size));
            c.truncate((int) c.compressedOffset).put(c.compressedOffset, deflated)
                    .putL2(3, c.compressedEntry(c.compressedOffset, deflated.length), 0);
            assertEquals(List.of(), inspect(c).problems(), "inspect does not decompress");
            assertReadFails(c, Check.QCOW2_COMPRESSED_CLUSTER);
            assertEquals(List.of(Check.QCOW2_COMPRESSED_CLUSTER.id()), ids(check(c)), "check decompresses");
        }
        CraftedQcow2 garbage = CraftedQcow2.standard().put(CraftedQcow2.standard().compressedOffset, new byte[] {-1, -1, -1});
        assertReadFails(garbage, Check.QCOW2_COMPRESSED_CLUSTER);
    }

    @Test
    void zstdClusters() throws IOException {
        io.airlift.compress.zstd.ZstdCompressor zstd = new io.airlift.compress.zstd.ZstdCompressor();
        for (int size : new int[] {CS, CS + 1, CS - 1}) {
            byte[] data = CraftedQcow2.compressibleCluster(size);
            byte[] out = new byte[zstd.maxCompressedLength(size)];
            int n = zstd.compress(data, 0, size, out, 0, out.length);
            CraftedQcow2 c = CraftedQcow2.standard().putLong(72, Qcow2Header.INCOMPAT_COMPRESSION_TYPE)
                    .put(104, new byte[] {1});
            byte[] frame = Arrays.copyOf(out, n);
            // the frame is followed by another, as when the next compressed cluster shares the sector
            byte[] twice = new byte[2 * n];
            System.arraycopy(frame, 0, twice, 0, n);
            System.arraycopy(frame, 0, twice, n, n);
            c.truncate((int) c.compressedOffset).put(c.compressedOffset, twice)
                    .putL2(3, c.compressedEntry(c.compressedOffset, twice.length), 0);
            if (size == CS) {
                assertFine(c);
                try (VirtualDisk disk = FORMAT.open(c.source(), Limits.DEFAULT)) {
                    assertArrayEquals(c.expected, readAll(disk));
                }
            } else {
                assertReadFails(c, Check.QCOW2_COMPRESSED_CLUSTER);
            }
        }
    }

    @Test
    void extendedL2Bitmaps() throws IOException {
        CraftedQcow2 both = new CraftedQcow2(16, true).putL2(0, Qcow2Geometry.COPIED | 5L * CS, 0x0000_0001_0000_0001L);
        assertReadFails(both, Check.QCOW2_DATA_CLUSTER);
        CraftedQcow2 noHost = new CraftedQcow2(16, true).putL2(5, 0, 0x10);
        assertReadFails(noHost, Check.QCOW2_DATA_CLUSTER);
        CraftedQcow2 zeroFlag = new CraftedQcow2(16, true).putL2(0, Qcow2Geometry.COPIED | 5L * CS | 1, 0xFFFF_FFFFL);
        assertReadFails(zeroFlag, Check.QCOW2_DATA_CLUSTER);
        CraftedQcow2 c = new CraftedQcow2(16, true);
        CraftedQcow2 compressedWithBitmap = c.putL2(3, c.compressedEntry(c.compressedOffset, c.compressedLength), 1);
        assertReadFails(compressedWithBitmap, Check.QCOW2_COMPRESSED_CLUSTER);
        // near miss: half the subclusters allocated, a quarter zero, the rest unallocated
        CraftedQcow2 mixed = new CraftedQcow2(16, true).putL2(0, Qcow2Geometry.COPIED | 5L * CS, 0x00FF_0000_0000_FFFFL);
        assertFine(mixed);
        try (VirtualDisk disk = FORMAT.open(mixed.source(), Limits.DEFAULT)) {
            int sub = CS / 32;
            List<Extent> extents = extents(disk, 0);
            assertEquals(Extent.data(0, 16L * sub, 5L * CS), extents.get(0));
            assertEquals(Extent.zero(16L * sub, 8L * sub), extents.get(1));
            assertEquals(Extent.unallocated(24L * sub, 8L * sub), extents.get(2));
            byte[] expected = mixed.expected.clone();
            Arrays.fill(expected, 16 * sub, CS, (byte) 0);
            assertArrayEquals(expected, readAll(disk));
        }
    }

    // ---- helpers

    private static CraftedQcow2 withExtension(CraftedQcow2 c, int type, byte[] data) {
        c.putInt(CraftedQcow2.HEADER_LENGTH, type).putInt(CraftedQcow2.HEADER_LENGTH + 4, data.length)
                .put(CraftedQcow2.HEADER_LENGTH + 8, data);
        return c;
    }

    static FormatReport inspect(CraftedQcow2 c) throws IOException {
        return FORMAT.inspect(c.source(), Limits.DEFAULT);
    }

    private static FormatReport inspectProblem(CraftedQcow2 c, Check check) throws IOException {
        FormatReport report = inspect(c);
        assertTrue(report.hasProblem(check), "expected " + check + " in " + report.problems());
        InspectionReport inspected = new Inspector(Limits.DEFAULT).inspect(c.source(), "crafted.qcow2");
        assertTrue(inspected.hasProblem(check.id()), inspected.problems().toString());
        assertTrue(ids(check(c)).contains(check.id()), "check repeats inspect's " + check);
        return report;
    }

    private static void assertFine(CraftedQcow2 c) throws IOException {
        FormatReport report = inspect(c);
        assertEquals(List.of(), report.problems());
        assertEquals(List.of(), check(c));
        try (VirtualDisk disk = FORMAT.open(c.source(), Limits.DEFAULT)) {
            readAll(disk);
            extents(disk, 0);
        }
    }

    private static void assertOpenRefused(CraftedQcow2 c, Check check) {
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> FORMAT.open(c.source(), Limits.DEFAULT));
        assertEquals(check, e.check(), e.getMessage());
    }

    /** Reading the whole disk and walking its extents both fail with {@code check}. */
    private static void assertReadFails(CraftedQcow2 c, Check check) throws IOException {
        try (VirtualDisk disk = FORMAT.open(c.source(), Limits.DEFAULT)) {
            ImageFormatException e = assertThrows(ImageFormatException.class, () -> readAll(disk));
            assertEquals(check, e.check(), e.getMessage());
            if (check != Check.QCOW2_COMPRESSED_CLUSTER || e.getMessage().contains("L2 entry")) {
                ImageFormatException walk = assertThrows(ImageFormatException.class, () -> extents(disk, 0));
                assertEquals(check, walk.check(), walk.getMessage());
            }
        }
    }

    static List<Finding> check(CraftedQcow2 c) throws IOException {
        return FORMAT.check(c.source(), Limits.DEFAULT);
    }

    static List<String> ids(List<Finding> findings) {
        return findings.stream().map(Finding::check).distinct().toList();
    }

    private static List<String> warningIds(FormatReport report) {
        return report.warnings().stream().map(Finding::check).toList();
    }

    static byte[] readAll(VirtualDisk disk) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) disk.size());
        disk.read(0, buffer);
        return buffer.array();
    }

    static List<Extent> extents(VirtualDisk disk, long offset) throws IOException {
        ExtentCursor cursor = disk.extents(offset).coalesced();
        List<Extent> out = new ArrayList<>();
        for (Extent e = cursor.next(); e != null; e = cursor.next()) {
            out.add(e);
        }
        return out;
    }
}
