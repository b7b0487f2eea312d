package org.glanceconvert.format.raw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.SparseFiles;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.testing.FileDisk;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.glanceconvert.testing.WriterFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawWriterTest {
    private static final WriteOptions OPTIONS = new WriteOptions(Map.of(), false, 2);

    @TempDir
    Path dir;

    @Test
    void fileOutputIsIdenticalAndSparse() throws IOException {
        QemuImg.assumeAvailable();
        Path source = TestImages.patternedRaw(dir.resolve("source.raw"), 4L * 1024 * 1024 + 1536, 11);
        Path out = dir.resolve("out.raw");
        writeFile(source, out);
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(out));
        assertEquals(0, QemuImg.compare(source, "raw", out, "raw").exitCode());
        if (SparseFiles.available()) {
            // written zeros in the source become holes: the copy takes less space than the source
            assertTrue(SparseFiles.allocatedBytes(out) < SparseFiles.allocatedBytes(source),
                    SparseFiles.allocatedBytes(out) + " vs " + SparseFiles.allocatedBytes(source));
        }
    }

    @Test
    void aMostlyEmptyDiskTakesAlmostNoSpace() throws IOException {
        QemuImg.assumeAvailable();
        Path source = dir.resolve("empty.raw");
        try (RandomAccessFile f = new RandomAccessFile(source.toFile(), "rw")) {
            f.setLength(10L << 30);
            f.seek(1 << 20);
            f.write("hello".getBytes());
            f.seek((10L << 30) - 2048);
            f.write(new byte[2048]); // written zeros at the very end
        }
        Path out = dir.resolve("empty-out.raw");
        writeFile(source, out);
        assertEquals(10L << 30, Files.size(out));
        assertEquals(0, QemuImg.compare(source, "raw", out, "raw").exitCode());
        if (SparseFiles.available()) {
            assertTrue(SparseFiles.allocatedBytes(out) <= 64 * 1024, "allocated " + SparseFiles.allocatedBytes(out));
        }
    }

    @Test
    void streamOutputWritesEveryByteInOrder() throws IOException {
        Path source = TestImages.patternedRaw(dir.resolve("stream-source.raw"), 3L * 1024 * 1024 + 512, 12);
        Path out = dir.resolve("stream.raw");
        try (VirtualDisk disk = FileDisk.raw(source); OutputStream os = Files.newOutputStream(out)) {
            new RawWriter().writeStream(disk, Channels.newChannel(os), OPTIONS, WriteProgress.NONE);
        }
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(out));
    }

    @Test
    void refusesOptionsAndCompression() throws IOException {
        Path source = TestImages.patternedRaw(dir.resolve("opts.raw"), 4096, 1);
        try (VirtualDisk disk = FileDisk.raw(source)) {
            RawWriter writer = new RawWriter();
            assertThrows(ImageFormatException.class,
                    () -> writer.validate(disk, new WriteOptions(Map.of("cluster_size", "64k"), false, 1)));
            assertThrows(ImageFormatException.class, () -> writer.validate(disk, new WriteOptions(Map.of(), true, 1)));
            writer.validate(disk, OPTIONS);
        }
    }

    private static void writeFile(Path source, Path out) throws IOException {
        WriterFixtures.writeFile(new RawWriter(), source, out, OPTIONS);
    }
}
