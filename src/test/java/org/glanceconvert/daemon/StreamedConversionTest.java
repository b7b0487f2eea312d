package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.glanceconvert.convert.ImageConverter;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class StreamedConversionTest {
    @TempDir
    Path dir;

    private final ExecutorService producers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        producers.shutdownNow();
    }

    @Test
    void aQcow2StreamsAsRawAndCanBeRunAgainForARetriedUpload() throws Exception {
        QemuImg.assumeAvailable();
        Path raw = TestImages.patternedRaw(dir.resolve("d.raw"), 3L << 20, 7);
        Path qcow2 = QemuImg.convert(raw, "raw", dir.resolve("d.qcow2"), "qcow2", null);
        byte[] expected = Files.readAllBytes(raw);
        try (FileByteSource src = FileByteSource.open(qcow2);
             VirtualDisk disk = DiskFormats.byName("qcow2").orElseThrow().open(src, Limits.DEFAULT)) {
            ImageConverter converter = new ImageConverter(DiskFormats.writer("raw").orElseThrow(), WriteOptions.defaults());
            StreamedConversion sc = new StreamedConversion(converter, disk, "sha512", producers, WriteProgress.NONE);
            try (InputStream first = sc.open()) {
                first.readNBytes(100_000); // the upload broke off here
            }
            byte[] got;
            try (InputStream second = sc.open()) {
                got = second.readAllBytes();
            }
            assertArrayEquals(expected, got);
            assertEquals(expected.length, sc.finish().bytesWritten());
            assertEquals(expected.length, sc.bytesSent());
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(expected)), sc.hash());
        }
    }

    @Test
    void aConversionThatFailsEndsTheUploadWithItsReason() throws Exception {
        // Its map says data; every read fails, as a corrupt table found part-way would.
        VirtualDisk broken = new VirtualDisk() {
            @Override
            public long size() {
                return 8L << 20;
            }

            @Override
            public ExtentCursor extents(long offset) {
                boolean[] done = {false};
                return () -> {
                    if (done[0]) {
                        return null;
                    }
                    done[0] = true;
                    return org.glanceconvert.image.Extent.data(0, size(), 0);
                };
            }

            @Override
            public void read(long offset, ByteBuffer dst) throws IOException {
                throw new IOException("corrupt table at " + offset);
            }

            @Override
            public void close() {
            }
        };
        ImageConverter converter = new ImageConverter(DiskFormats.writer("raw").orElseThrow(), WriteOptions.defaults());
        StreamedConversion sc = new StreamedConversion(converter, broken, "sha512", producers, WriteProgress.NONE);
        try (InputStream in = sc.open()) {
            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertInstanceOf(BoundedPipe.WriterFailedException.class, e);
        }
        IOException e = assertThrows(IOException.class, sc::finish);
        assertEquals("corrupt table at 0", e.getMessage());
    }
}
