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

    /** A raw source of 8 MiB holding 3 short runs of data, presented without holes (as over HTTP). */
    private static byte[] zeroHeavy() {
        byte[] bytes = new byte[8 << 20];
        java.util.Random r = new java.util.Random(11);
        for (int i = 0; i < 70_000; i++) {
            bytes[(1 << 20) + i] = (byte) (1 + r.nextInt(255)); // 2 clusters
        }
        bytes[(5 << 20) + 3] = 7;
        bytes[bytes.length - 1] = 9;
        return bytes;
    }

    /** Bytes qemu-img map reports as data in an image. */
    private static long mappedData(Path image, String format) throws IOException {
        long data = 0;
        for (com.fasterxml.jackson.databind.JsonNode e : QemuImg.map(image, format)) {
            if (e.get("data").asBoolean()) {
                data += e.get("length").asLong();
            }
        }
        return data;
    }

    private Path stream(ImageConverter converter, VirtualDisk disk, Path out) throws Exception {
        StreamedConversion sc = new StreamedConversion(converter, disk, "sha512", producers, WriteProgress.NONE);
        try (InputStream in = sc.open()) {
            Files.copy(in, out);
        }
        sc.finish();
        return out;
    }

    @Test
    void zerosOfARawSourceWithoutHolesStayUnallocatedInAStreamedQcow2() throws Exception {
        QemuImg.assumeAvailable();
        byte[] bytes = zeroHeavy();
        Path raw = Files.write(dir.resolve("full.raw"), bytes); // written whole: no holes
        ImageConverter qcow2 = new ImageConverter(DiskFormats.writer("qcow2").orElseThrow(), WriteOptions.defaults());
        try (VirtualDisk source = new org.glanceconvert.format.raw.RawDisk(
                new org.glanceconvert.image.MemoryByteSource("http", bytes))) {
            // The bug as it was: the planner sees one DATA extent and allocates every cluster.
            Path unmapped = stream(qcow2, source, dir.resolve("unmapped.qcow2"));
            assertEquals(bytes.length, mappedData(unmapped, "qcow2"));

            Transformation.Digested digested = Transformation.digest(source, Limits.DEFAULT);
            assertEquals(org.glanceconvert.content.ContentDigest.of(source), digested.digest(),
                    "mapping changes nothing in the digest");
            Path mapped = stream(qcow2, digested.disk(), dir.resolve("mapped.qcow2"));
            assertEquals(0, QemuImg.compare(raw, "raw", mapped, "qcow2").exitCode());
            assertEquals(0, QemuImg.check(mapped, "qcow2").exitCode(), QemuImg.check(mapped, "qcow2").stdout());
            // 2 clusters of the data run, 1 at 5 MiB, 1 at the end.
            assertEquals(4L * 65536, mappedData(mapped, "qcow2"));
            // Header, refcount table and block, L1, one L2 table, 4 data clusters.
            assertEquals(9L * 65536, Files.size(mapped));
            try (FileByteSource back = FileByteSource.open(mapped);
                 VirtualDisk copy = DiskFormats.byName("qcow2").orElseThrow().open(back, Limits.DEFAULT)) {
                assertEquals(digested.digest(), org.glanceconvert.content.ContentDigest.of(copy));
            }

            // The other streamed outputs read the mapped source right too.
            Path vmdk = stream(new ImageConverter(DiskFormats.writer("vmdk").orElseThrow(), WriteOptions.defaults()),
                    digested.disk(), dir.resolve("mapped.vmdk"));
            assertEquals(0, QemuImg.compare(raw, "raw", vmdk, "vmdk").exitCode());
            Path rawOut = stream(new ImageConverter(DiskFormats.writer("raw").orElseThrow(), WriteOptions.defaults()),
                    digested.disk(), dir.resolve("mapped.raw"));
            assertArrayEquals(bytes, Files.readAllBytes(rawOut));
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
