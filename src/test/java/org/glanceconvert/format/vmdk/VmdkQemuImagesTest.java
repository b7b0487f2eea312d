package org.glanceconvert.format.vmdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.testing.FileDisk;
import org.glanceconvert.testing.MapAgreement;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** VMDK images made by qemu-img, read by us and judged by qemu-img. */
class VmdkQemuImagesTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void qemu() {
        QemuImg.assumeAvailable();
    }

    @ParameterizedTest(name = "{0} {1} bytes -o {2}")
    @CsvSource(delimiter = ';', value = {
        "monolithicSparse; 3145728; ",
        "monolithicSparse; 3149312; adapter_type=lsilogic",
        "monolithicSparse; 2100224; compat6=on,zeroed_grain=on",
        "streamOptimized; 3145728; ",
        "streamOptimized; 3149312; adapter_type=buslogic",
        "streamOptimized; 2100736; compat6=on"})
    void convertedImagesReadLikeQemu(String subformat, long size, String extra) throws IOException {
        String name = subformat + "-" + size + (extra == null ? "" : "-" + extra.replaceAll("[=,]", "_"));
        Path raw = TestImages.patternedRaw(dir.resolve(name + ".raw"), size, size ^ subformat.hashCode());
        Path vmdk = QemuImg.convert(raw, "raw", dir.resolve(name + ".vmdk"), "vmdk",
                "subformat=" + subformat + (extra == null ? "" : "," + extra));
        JsonNode info = QemuImg.info(vmdk);

        InspectionReport report = TestImages.inspect(vmdk);
        assertEquals("vmdk", report.format());
        assertEquals(info.get("format").asText(), report.format());
        assertEquals(info.get("virtual-size").asLong(), report.virtualSize());
        assertEquals(info.at("/format-specific/data/create-type").asText(), report.subformat());
        assertEquals(65536L, report.clusterSize());
        assertTrue(report.safe(), report.problems().toString());

        try (VirtualDisk disk = FileDisk.open(vmdk, new VmdkFormat())) {
            TestImages.assertSameContent(raw, disk);
            MapAgreement.assertSameData(QemuImg.map(vmdk, "vmdk"), disk);
            MapAgreement.extents(disk);
        }
        try (FileByteSource source = FileByteSource.open(vmdk)) {
            assertEquals(List.of(), new VmdkFormat().check(source, Limits.DEFAULT));
            String adapter = extra != null && extra.contains("adapter_type=") ? extra.replaceAll(".*adapter_type=", "")
                    : "ide";
            assertEquals(adapter, new VmdkFormat().adapterType(source, Limits.DEFAULT).orElseThrow());
        }
    }

    /** qemu-io writes zeros over an allocated grain as a zeroed-grain table entry. */
    @Test
    void zeroedGrainEntriesReadAsZeroExtents() throws IOException, InterruptedException {
        Path vmdk = QemuImg.create(dir.resolve("zeroed.vmdk"), "vmdk", "zeroed_grain=on", 1 << 20);
        QemuImg.write(vmdk, "vmdk", 7, 0, 256 * 1024);
        Process p = new ProcessBuilder("qemu-io", "-f", "vmdk", "-c", "write -q -z 65536 65536", vmdk.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0);
        Path raw = dir.resolve("zeroed.raw");
        QemuImg.convert(vmdk, "vmdk", raw, "raw", null);

        assertTrue(TestImages.inspect(vmdk).safe());
        try (VirtualDisk disk = FileDisk.open(vmdk, new VmdkFormat())) {
            TestImages.assertSameContent(raw, disk);
            MapAgreement.assertSameData(QemuImg.map(vmdk, "vmdk"), disk);
            ExtentCursor cursor = disk.extents(0);
            boolean zero = false;
            for (Extent e = cursor.next(); e != null; e = cursor.next()) {
                zero |= e.kind() == Extent.Kind.ZERO && e.start() == 65536 && e.length() == 65536;
            }
            assertTrue(zero, "grain 1 is a zeroed grain");
        }
        try (FileByteSource source = FileByteSource.open(vmdk)) {
            assertEquals(List.of(), new VmdkFormat().check(source, Limits.DEFAULT));
        }
    }

    /** The descriptor file of a multi-file disk: vmdk like qemu says, never safe. */
    @ParameterizedTest
    @CsvSource({"monolithicFlat, FLAT", "twoGbMaxExtentSparse, SPARSE", "twoGbMaxExtentFlat, FLAT"})
    void descriptorFilesAreVmdkAndUnsafe(String subformat, String extentType) throws IOException {
        Path vmdk = QemuImg.create(dir.resolve(subformat + ".vmdk"), "vmdk",
                "subformat=" + subformat + ",adapter_type=lsilogic", 3 << 20);
        JsonNode info = QemuImg.info(vmdk);
        InspectionReport report = TestImages.inspect(vmdk);
        assertEquals(info.get("format").asText(), report.format());
        assertEquals(info.at("/format-specific/data/create-type").asText(), report.subformat());
        assertEquals(info.get("virtual-size").asLong(), report.virtualSize());
        assertFalse(report.safe());
        assertTrue(report.hasProblem(Check.VMDK_DESCRIPTOR_ONLY.id()), report.problems().toString());
        assertTrue(report.hasProblem(Check.VMDK_EXTENT_FILE.id()), report.problems().toString());
        assertTrue(report.problems().stream().anyMatch(p -> p.message().contains(extentType)));
        try (FileByteSource source = FileByteSource.open(vmdk)) {
            assertEquals("lsilogic", new VmdkFormat().adapterType(source, Limits.DEFAULT).orElseThrow());
            ImageFormatAssert.refused(Check.VMDK_DESCRIPTOR_ONLY, () -> new VmdkFormat().open(source, Limits.DEFAULT));
        }
    }

    /** A sparse extent of a split disk has an empty embedded descriptor: not a disk by itself. */
    @Test
    void extentOfSplitDiskIsUnsafe() throws IOException {
        QemuImg.create(dir.resolve("split.vmdk"), "vmdk", "subformat=twoGbMaxExtentSparse", 1 << 20);
        InspectionReport report = TestImages.inspect(dir.resolve("split-s001.vmdk"));
        assertEquals("vmdk", report.format());
        assertTrue(report.hasProblem(Check.VMDK_DESCRIPTOR.id()), report.problems().toString());
    }

    @Test
    void realExt2ImageReadsLikeQemu() throws IOException {
        Path vmdk = Path.of("src/test/resources/corpus/real/ext2.vmdk");
        Path raw = QemuImg.convert(vmdk, "vmdk", dir.resolve("ext2.raw"), "raw", null);
        InspectionReport report = TestImages.inspect(vmdk);
        assertEquals("monolithicSparse", report.subformat());
        assertEquals(4194304L, report.virtualSize());
        assertTrue(report.safe(), report.problems().toString());
        try (VirtualDisk disk = FileDisk.open(vmdk, new VmdkFormat())) {
            TestImages.assertSameContent(raw, disk);
            MapAgreement.assertSameData(QemuImg.map(vmdk, "vmdk"), disk);
        }
        try (FileByteSource source = FileByteSource.open(vmdk)) {
            assertEquals(List.of(), new VmdkFormat().check(source, Limits.DEFAULT));
        }
        assertTrue(new String(Files.readAllBytes(vmdk), StandardCharsets.ISO_8859_1).contains("ext2.vmdk"));
    }
}
