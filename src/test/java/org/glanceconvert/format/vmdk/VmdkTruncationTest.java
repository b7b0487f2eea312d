package org.glanceconvert.format.vmdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncated copies of valid images at random lengths: inspect, check, extents and reads either
 * succeed or fail with a check id; never any other exception.
 */
class VmdkTruncationTest {
    private static final List<String> CHECK_IDS = Arrays.stream(Check.values()).map(Check::id).toList();

    @TempDir
    Path dir;

    @Test
    void truncatedCopiesFailWithACheckId() throws IOException {
        List<byte[]> images = new ArrayList<>();
        images.add(VmdkCraftedImagesTest.twoTables(new CraftedVmdk()).buildMonolithicSparse());
        images.add(VmdkCraftedImagesTest.twoTables(new CraftedVmdk()).buildStreamOptimized());
        images.add(Files.readAllBytes(Path.of("src/test/resources/corpus/real/ext2.vmdk")));
        if (qemuAvailable()) {
            Path raw = TestImages.patternedRaw(dir.resolve("t.raw"), 1_000_448, 77);
            for (String subformat : List.of("monolithicSparse", "streamOptimized")) {
                images.add(Files.readAllBytes(QemuImg.convert(raw, "raw", dir.resolve(subformat + ".vmdk"), "vmdk",
                        "subformat=" + subformat)));
            }
        }
        Random random = new Random(20240611);
        int unsafe = 0;
        for (byte[] image : images) {
            TreeSet<Integer> lengths = new TreeSet<>(List.of(0, 3, 4, 100, 511, 512, 513, 1024, image.length - 1,
                    image.length - 512, image.length - 1536, image.length - 1537));
            while (lengths.size() < 40) {
                lengths.add(random.nextInt(image.length));
            }
            for (int length : lengths) {
                if (length >= 0 && length < image.length) {
                    unsafe += exercise(Arrays.copyOf(image, length)) ? 0 : 1;
                }
            }
        }
        assertTrue(unsafe > images.size() * 30, "most truncated copies are unsafe: " + unsafe);
    }

    /** Returns whether the copy was found safe; fails the test on any exception but a format error. */
    private static boolean exercise(byte[] copy) throws IOException {
        String what = "copy of " + copy.length + " bytes";
        MemoryByteSource source = new MemoryByteSource("cut.vmdk", copy);
        InspectionReport report = new Inspector(Limits.DEFAULT).inspect(source, "cut.vmdk");
        assertNotNull(report.format(), what);
        report.problems().forEach(p -> assertTrue(CHECK_IDS.contains(p.check()), what + ": " + p));
        if (copy.length < 4) {
            assertEquals("raw", report.format(), what);
            return true;
        }
        assertEquals("vmdk", report.format(), what);
        List<Finding> findings = new VmdkFormat().check(source, Limits.DEFAULT);
        findings.forEach(p -> assertTrue(CHECK_IDS.contains(p.check()), what + ": " + p));
        if (!report.safe()) {
            assertFalse(findings.isEmpty(), what + ": check agrees with inspect");
        }
        try (VirtualDisk disk = new VmdkFormat().open(source, Limits.DEFAULT)) {
            assertTrue(report.safe(), what + " opens only when inspect finds it safe");
            ExtentCursor cursor = disk.extents(0);
            while (cursor.next() != null) {
                // walk
            }
            ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
            for (long pos = 0; pos < disk.size(); pos += buf.capacity()) {
                buf.clear().limit((int) Math.min(buf.capacity(), disk.size() - pos));
                disk.read(pos, buf);
            }
        } catch (ImageFormatException e) {
            assertTrue(CHECK_IDS.contains(e.check().id()), what);
        }
        return report.safe() && findings.isEmpty();
    }

    private static boolean qemuAvailable() {
        try {
            return QemuImg.run("--version").exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
