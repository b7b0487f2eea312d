package org.glanceconvert.format.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.testing.MapAgreement;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** qcow2 images made by other tools (corpus/real/README.md) read as qemu-img reads them. */
class Qcow2CorpusTest {
    private static final Path CORPUS = Path.of("src/test/resources/corpus/real");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"ext2.qcow2, 4194304", "windows_volume.qcow2, 35913728"})
    void readsLikeQemuImg(String name, long virtualSize) throws IOException {
        Path image = CORPUS.resolve(name);
        Qcow2Format format = new Qcow2Format();
        try (FileByteSource source = FileByteSource.open(image)) {
            assertTrue(format.matches(source));
            FormatReport report = format.inspect(source, Limits.DEFAULT);
            assertEquals(List.of(), report.problems());
            assertEquals(virtualSize, report.virtualSize());
            assertEquals(65536L, report.clusterSize());
            assertEquals("v3", report.subformat());
            assertEquals(List.of(), format.check(source, Limits.DEFAULT));
        }
        QemuImg.assumeAvailable();
        Path raw = QemuImg.convert(image, "qcow2", dir.resolve(name + ".raw"), "raw", null);
        try (VirtualDisk disk = format.open(FileByteSource.open(image), Limits.DEFAULT)) {
            TestImages.assertSameContent(raw, disk);
            MapAgreement.assertSameMap(image, "qcow2", disk);
        }
    }
}
