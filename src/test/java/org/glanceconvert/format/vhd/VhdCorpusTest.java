package org.glanceconvert.format.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.testing.FileDisk;
import org.glanceconvert.testing.MapAgreement;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real VHD files of the corpus (see its README), made by Windows and old qemu versions. */
class VhdCorpusTest {
    private static final DiskFormat VHD = DiskFormats.byName("vhd").orElseThrow();

    @TempDir
    Path dir;

    private static Path corpus(String name) throws URISyntaxException {
        return Path.of(VhdCorpusTest.class.getResource("/corpus/real/" + name).toURI());
    }

    private static List<String> problemIds(InspectionReport report) {
        return report.problems().stream().map(Finding::check).toList();
    }

    @Test
    void ext2IsAConvertibleDynamicDiskThatReadsLikeQemu() throws Exception {
        Path file = corpus("ext2.vhd");
        InspectionReport report = TestImages.inspect(file);
        assertEquals("vhd", report.format());
        assertEquals("dynamic", report.subformat());
        assertEquals(4212736L, report.virtualSize(), "CHS size, as qemu computes it for creator 'qemu'");
        assertEquals(2L << 20, report.clusterSize());
        assertTrue(report.safe(), report.problems().toString());
        assertEquals(List.of(), TestImages.check(file, VHD));

        QemuImg.assumeAvailable();
        Path reference = QemuImg.convert(file, "vpc", dir.resolve("ext2.raw"), "raw", null);
        try (VirtualDisk disk = FileDisk.open(file, VHD)) {
            TestImages.assertSameContent(reference, disk);
            MapAgreement.assertSameData(QemuImg.map(file, "vpc"), disk);
        }
    }

    @Test
    void fatDifferentialIsADifferencingDiskAndRefused() throws Exception {
        Path file = corpus("fat-differential.vhd");
        InspectionReport report = TestImages.inspect(file);
        assertEquals("vhd", report.format());
        assertEquals("differencing", report.subformat());
        assertEquals(4194304L, report.virtualSize(), "current size, as qemu computes it for creator 'win '");
        assertEquals(List.of(Check.VHD_DIFFERENCING.id()), problemIds(report));
        assertTrue(report.problems().get(0).message().contains("fat-parent.vhd"), report.problems().toString());
        assertRefusedByReaderAndCheck(file, Check.VHD_DIFFERENCING);
    }

    /**
     * qemu says "Incorrect header checksum" for this file, but qemu calls the footer its header:
     * it is the footer's checksum that is wrong (it was computed before the unique id was
     * written); the dynamic header's checksum is right.
     */
    @Test
    void imageHasABadFooterChecksum() throws Exception {
        Path file = corpus("image.vhd");
        InspectionReport report = TestImages.inspect(file);
        assertEquals("vhd", report.format());
        assertEquals("dynamic", report.subformat());
        assertEquals(List.of(Check.VHD_CHECKSUM.id()), problemIds(report));
        assertRefusedByReaderAndCheck(file, Check.VHD_CHECKSUM);
    }

    @Test
    void imageDifferentialIsRefusedForEveryReason() throws Exception {
        Path file = corpus("image-differential.vhd");
        InspectionReport report = TestImages.inspect(file);
        assertEquals("vhd", report.format());
        assertEquals("differencing", report.subformat());
        assertEquals(List.of(Check.VHD_CHECKSUM.id(), Check.VHD_HEADER_CHECKSUM.id(), Check.VHD_DIFFERENCING.id()),
                problemIds(report));
        assertTrue(report.problems().get(2).message().contains("image.vhd"), report.problems().toString());
        assertRefusedByReaderAndCheck(file, Check.VHD_CHECKSUM);
    }

    private static void assertRefusedByReaderAndCheck(Path file, Check first) throws IOException {
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> FileDisk.open(file, VHD));
        assertEquals(first, e.check());
        List<Finding> problems = TestImages.check(file, VHD);
        assertFalse(problems.isEmpty());
        assertEquals(first.id(), problems.get(0).check());
    }
}
