package org.glanceconvert.format.raw;

import static org.glanceconvert.format.raw.PartitionedDisks.MbrEntry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ISO 9660 / UDF detection, hybrid ISOs, and headers hidden in the ISO system area. */
class IsoFormatTest {
    private static final Path CORPUS = Path.of("src/test/resources/corpus/real");

    @TempDir
    Path dir;

    private static byte[] realIso() throws IOException {
        return Files.readAllBytes(CORPUS.resolve("iso9660.raw"));
    }

    @Test
    void realCorpus() throws IOException {
        for (String name : new String[] {"apfs.raw", "hfsplus.raw"}) {
            InspectionReport r = TestImages.inspect(CORPUS.resolve(name));
            assertEquals("raw", r.format(), name);
            assertNull(r.partitionTable(), name);
            assertTrue(r.safe(), name + ": " + r.problems());
            assertEquals(Files.size(CORPUS.resolve(name)), r.virtualSize());
        }
        InspectionReport iso = TestImages.inspect(CORPUS.resolve("iso9660.raw"));
        assertEquals("iso", iso.format());
        assertTrue(iso.safe(), iso.problems().toString());
        assertEquals(366592L, iso.virtualSize());
        assertNull(iso.partitionTable());
        assertNull(iso.clusterSize());
    }

    @Test
    void isoReadsAsRaw() throws IOException {
        byte[] iso = realIso();
        try (VirtualDisk disk = new IsoFormat().open(new MemoryByteSource("iso", iso), Limits.DEFAULT)) {
            assertInstanceOf(RawDisk.class, disk);
            ByteBuffer all = ByteBuffer.allocate(iso.length);
            disk.read(0, all);
            assertArrayEquals(iso, all.array());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vdi", "qcow", "qed", "qcow2", "vmdk", "vpc"})
    void headerInTheSystemAreaIsAMultipleMatch(String qemuFormat) throws IOException {
        String name = DiskFormats.canonicalName(qemuFormat);
        assumeTrue(DiskFormats.byName(name).isPresent(), name + " is not registered yet");
        QemuImg.assumeAvailable();
        byte[] header = Files.readAllBytes(QemuImg.create(dir.resolve("h." + qemuFormat), qemuFormat, null, 1 << 20));
        byte[] iso = realIso();
        System.arraycopy(header, 0, iso, 0, Math.min(header.length, 32 * 1024));
        InspectionReport r = TestImages.inspect(iso, "x");
        assertEquals(name, r.format(), "the other format is reported, the ISO is the disguise");
        assertFalse(r.safe());
        assertTrue(r.hasProblem(Check.FORMAT_MULTIPLE_MATCH.id()), r.problems().toString());
        assertTrue(r.problems().stream().anyMatch(p -> p.message().contains("iso")), r.problems().toString());
    }

    @Test
    void hybridIsoWithMbrIsOneFormat() throws IOException {
        byte[] iso = realIso();
        PartitionedDisks.writeMbr(iso, new MbrEntry(0x80, 0x17, 0, iso.length / 512));
        InspectionReport r = TestImages.inspect(iso, "x");
        assertEquals("iso", r.format());
        assertEquals("mbr", r.partitionTable());
        assertTrue(r.safe(), r.problems().toString());
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
    }

    @Test
    void hybridIsoWithGptIsOneFormat() throws IOException {
        byte[] iso = realIso();
        int blocks = iso.length / 512;
        byte[] gpt = new PartitionedDisks.Gpt(512, blocks).partition(64, 127).build();
        System.arraycopy(gpt, 0, iso, 0, 34 * 512); // protective MBR, header and entries: all in the system area
        InspectionReport r = TestImages.inspect(iso, "x");
        assertEquals("iso", r.format());
        assertEquals("gpt", r.partitionTable());
        assertTrue(r.safe(), r.problems().toString());
    }

    @Test
    void hybridIsoMbrFailingOsloRulesIsOnlyAWarning() throws IOException {
        byte[] iso = realIso();
        PartitionedDisks.writeMbr(iso, new MbrEntry(0x01, 0x17, 0, iso.length / 512));
        InspectionReport r = TestImages.inspect(iso, "x");
        assertEquals("iso", r.format());
        assertTrue(r.safe(), r.problems().toString());
        assertTrue(r.warnings().stream().anyMatch(w -> w.check().equals(Check.PARTITION_MBR.id())));
    }

    @Test
    void hybridIsoWithAnImageInAPartitionIsUnsafe() throws IOException {
        QemuImg.assumeAvailable();
        byte[] vdi = Files.readAllBytes(QemuImg.create(dir.resolve("p.vdi"), "vdi", null, 1 << 20));
        byte[] iso = realIso();
        PartitionedDisks.writeMbr(iso, new MbrEntry(0x80, 0x17, 0, 300), MbrEntry.of(0xef, 300, 100));
        System.arraycopy(vdi, 0, iso, 300 * 512, vdi.length);
        InspectionReport r = TestImages.inspect(iso, "x");
        assertEquals("iso", r.format());
        assertTrue(r.hasProblem(Check.FORMAT_NESTED_IMAGE.id()), r.problems().toString());
    }

    @Test
    void truncatedIsoIsRefused() throws IOException {
        byte[] iso = realIso();
        byte[] cut = java.util.Arrays.copyOf(iso, iso.length - 2048);
        InspectionReport r = TestImages.inspect(cut, "x");
        assertEquals("iso", r.format());
        assertTrue(r.hasProblem(Check.FORMAT_TRUNCATED.id()), r.problems().toString());
        // cut inside the descriptors: "CD001" gone means raw, never an exception
        for (int length : new int[] {0, 32768, 32770, 32774, 33000, 34816}) {
            InspectionReport s = TestImages.inspect(java.util.Arrays.copyOf(iso, length), "x");
            assertTrue(s.format().equals("raw") || s.format().equals("iso"), s.toString());
        }
    }

    @Test
    void pureUdf() throws IOException {
        byte[] udf = new byte[64 * 1024];
        descriptor(udf, 0, 0, "BEA01");
        descriptor(udf, 1, 0, "NSR02");
        descriptor(udf, 2, 0, "TEA01");
        InspectionReport r = TestImages.inspect(udf, "x");
        assertEquals("iso", r.format());
        assertTrue(r.safe(), r.problems().toString());
    }

    @Test
    void nearMissesAreRaw() throws IOException {
        byte[] shifted = new byte[64 * 1024];
        System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, shifted, 32770, 5);
        byte[] wrong = new byte[64 * 1024];
        descriptor(wrong, 0, 1, "CD002");
        byte[] unterminatedUdf = new byte[64 * 1024];
        descriptor(unterminatedUdf, 0, 0, "BEA01");
        descriptor(unterminatedUdf, 1, 0, "TEA01");
        descriptor(unterminatedUdf, 2, 0, "NSR02");
        for (byte[] image : new byte[][] {shifted, wrong, unterminatedUdf}) {
            InspectionReport r = TestImages.inspect(image, "x");
            assertEquals("raw", r.format());
            assertTrue(r.safe());
        }
    }

    private static void descriptor(byte[] image, int index, int type, String id) {
        int at = 32768 + 2048 * index;
        image[at] = (byte) type;
        System.arraycopy(id.getBytes(StandardCharsets.US_ASCII), 0, image, at + 1, 5);
        image[at + 6] = 1;
    }
}
