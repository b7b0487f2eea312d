package org.glanceconvert.format.qcow2;

import static org.glanceconvert.testing.WriterFixtures.assertCheckClean;
import static org.glanceconvert.testing.WriterFixtures.assertIdentical;
import static org.glanceconvert.testing.WriterFixtures.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.glanceconvert.format.Sizes;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.testing.FileDisk;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.glanceconvert.testing.WriterFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** qcow2 output judged by qemu-img: identical content, clean check, no data cluster for zeros. */
class Qcow2WriterTest {
    private static final long SIZE = 5L * 1024 * 1024 + 7 * 512; // not a multiple of any cluster size

    @TempDir
    static Path dir;
    private static Path source;

    @BeforeAll
    static void makeSource() throws IOException {
        QemuImg.assumeAvailable();
        source = TestImages.patternedRaw(dir.resolve("source.raw"), SIZE, 42);
    }

    @ParameterizedTest(name = "cluster_size={0}")
    @ValueSource(strings = {"512", "4k", "64k", "2M"})
    void fileOutputIsIdenticalAndClean(String clusterSize) throws IOException {
        Path out = dir.resolve("file-" + clusterSize + ".qcow2");
        writeFile(source, out, options("cluster_size=" + clusterSize));
        assertIdenticalAndClean(source, out);
        JsonNode info = QemuImg.info(out);
        assertEquals("qcow2", info.get("format").asText());
        assertEquals(SIZE, info.get("virtual-size").asLong());
        assertEquals(Sizes.parse(clusterSize), info.get("cluster-size").asLong());
        assertEquals("1.1", info.at("/format-specific/data/compat").asText());
        assertEquals(16, info.at("/format-specific/data/refcount-bits").asInt());
        assertEquals(allocatedClustersOfContent(source, (int) Sizes.parse(clusterSize)),
                mappedDataBytes(out) / Sizes.parse(clusterSize), "one host cluster per non-zero guest cluster");
    }

    @ParameterizedTest(name = "cluster_size={0}")
    @ValueSource(strings = {"512", "4k", "64k", "2M"})
    void streamOutputThroughANonSeekableChannelIsIdenticalAndClean(String clusterSize) throws IOException {
        Path out = dir.resolve("stream-" + clusterSize + ".qcow2");
        writeStream(source, out, options("cluster_size=" + clusterSize));
        assertIdenticalAndClean(source, out);
    }

    @ParameterizedTest(name = "{0} cluster_size={1}")
    @CsvSource({"zlib,64k", "zstd,64k", "zlib,512", "zstd,4k", "zlib,2M"})
    void compressedOutputIsIdenticalCleanAndSmaller(String type, String clusterSize) throws IOException {
        Path compressible = dir.resolve("text-" + type + clusterSize + ".raw");
        writeCompressibleRaw(compressible, 3L * 1024 * 1024 + 512);
        Path out = dir.resolve("compressed-" + type + "-" + clusterSize + ".qcow2");
        writeFile(compressible, out, options(true, 2, "compression_type=" + type, "cluster_size=" + clusterSize));
        assertIdenticalAndClean(compressible, out);
        JsonNode info = QemuImg.info(out);
        assertEquals(type, info.at("/format-specific/data/compression-type").asText());
        Path plain = dir.resolve("uncompressed-" + type + "-" + clusterSize + ".qcow2");
        writeFile(compressible, plain, options("cluster_size=" + clusterSize));
        assertTrue(Files.size(out) < Files.size(plain), "compressed " + Files.size(out) + " vs " + Files.size(plain));
        assertTrue(compressedClusters(out) > 0, "some clusters are compressed");

        Path patterned = dir.resolve("compressed-patterned-" + type + "-" + clusterSize + ".qcow2");
        writeFile(source, patterned, options(true, 2, "compression_type=" + type, "cluster_size=" + clusterSize));
        assertIdenticalAndClean(source, patterned);
    }

    @Test
    void emptyAndTinyDisks() throws IOException {
        for (long size : new long[] {0, 512, 1000, 65536}) {
            Path raw = dir.resolve("tiny-" + size + ".raw");
            TestImages.patternedRaw(raw, size, size);
            Path file = dir.resolve("tiny-" + size + ".qcow2");
            writeFile(raw, file, options());
            assertEquals(0, QemuImg.check(file, "qcow2").exitCode(), QemuImg.check(file, "qcow2").stdout());
            Path stream = dir.resolve("tiny-stream-" + size + ".qcow2");
            writeStream(raw, stream, options());
            assertEquals(0, QemuImg.check(stream, "qcow2").exitCode());
            if (size > 0) {
                assertEquals(0, QemuImg.compare(raw, "raw", file, "qcow2").exitCode());
                assertEquals(0, QemuImg.compare(raw, "raw", stream, "qcow2").exitCode());
            }
        }
    }

    @Test
    void hugeSparseSourceGivesASmallImageQuickly() throws IOException {
        Path raw = dir.resolve("sparse-100g.raw");
        TestImages.patternedRaw(raw, 2L * 1024 * 1024, 7);
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(100L << 30);
            f.seek((100L << 30) - 4096);
            f.write(new byte[] {1, 2, 3, 4});
        }
        long started = System.nanoTime();
        Path out = dir.resolve("sparse-100g.qcow2");
        writeFile(raw, out, options());
        Path stream = dir.resolve("sparse-100g-stream.qcow2");
        writeStream(raw, stream, options());
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(Files.size(out) < 4L << 20, "file output " + Files.size(out));
        assertTrue(Files.size(stream) < 4L << 20, "stream output " + Files.size(stream));
        assertTrue(millis < 20_000, "took " + millis + " ms");
        assertIdenticalAndClean(raw, out);
        assertIdenticalAndClean(raw, stream);
    }

    @Test
    void refusesWhatQemuCouldNotOpenOrWasNotAskedFor() throws IOException {
        Qcow2Writer writer = new Qcow2Writer();
        try (VirtualDisk disk = FileDisk.raw(source)) {
            ImageFormatException unknown = assertThrows(ImageFormatException.class,
                    () -> writer.validate(disk, options("subformat=x")));
            assertEquals(Check.FORMAT_UNSUPPORTED, unknown.check());
            for (String bad : new String[] {"256", "3k", "4M", "junk"}) {
                assertThrows(ImageFormatException.class,
                        () -> writer.validate(disk, options("cluster_size=" + bad)), bad);
            }
            assertThrows(ImageFormatException.class,
                    () -> writer.validate(disk, options(true, 2, "compression_type=lz4")));
            assertFalse(writer.streamable(options(true, 2)));
            assertTrue(writer.streamable(options()));
        }
        Qcow2WriteSettings small = Qcow2WriteSettings.from(options("cluster_size=512"));
        small.checkVirtualSize(128L << 30);
        ImageFormatException tooBig = assertThrows(ImageFormatException.class,
                () -> small.checkVirtualSize((128L << 30) + 512));
        assertEquals(Check.LIMITS_VIRTUAL_SIZE, tooBig.check());
    }

    // --- helpers

    private static void writeFile(Path raw, Path out, WriteOptions options) throws IOException {
        WriterFixtures.writeFile(new Qcow2Writer(), raw, out, options);
    }

    private static void writeStream(Path raw, Path out, WriteOptions options) throws IOException {
        WriterFixtures.writeStream(new Qcow2Writer(), raw, out, options);
    }

    private static void assertIdenticalAndClean(Path raw, Path qcow2) throws IOException {
        assertCheckClean(qcow2, "qcow2");
        assertIdentical(raw, qcow2, "qcow2");
    }

    /** Guest clusters holding any non-zero byte. */
    static long allocatedClustersOfContent(Path raw, int clusterSize) throws IOException {
        long count = 0;
        byte[] buf = new byte[clusterSize];
        try (FileChannel ch = FileChannel.open(raw)) {
            for (long pos = 0; pos < ch.size(); pos += clusterSize) {
                ByteBuffer b = ByteBuffer.wrap(buf);
                java.util.Arrays.fill(buf, (byte) 0);
                while (b.hasRemaining() && ch.read(b, pos + b.position()) > 0) {
                    // fill
                }
                for (byte x : buf) {
                    if (x != 0) {
                        count++;
                        break;
                    }
                }
            }
        }
        return count;
    }

    /** Guest bytes qemu-img map reports as stored data, rounded to whole clusters. */
    static long mappedDataBytes(Path qcow2) throws IOException {
        long cluster = QemuImg.info(qcow2).get("cluster-size").asLong();
        long total = 0;
        for (JsonNode e : QemuImg.map(qcow2, "qcow2")) {
            if (e.get("data").asBoolean()) {
                total += (e.get("length").asLong() + cluster - 1) / cluster * cluster;
            }
        }
        return total;
    }

    /** Guest clusters qemu-img map reports as compressed (data without a host offset). */
    static long compressedClusters(Path qcow2) throws IOException {
        long count = 0;
        for (JsonNode e : QemuImg.map(qcow2, "qcow2")) {
            if (e.get("data").asBoolean() && !e.has("offset")) {
                count++;
            }
        }
        return count;
    }

    static void writeCompressibleRaw(Path file, long size) throws IOException {
        StringBuilder text = new StringBuilder();
        int line = 0;
        while (text.length() < size) {
            text.append("line ").append(line++).append(": the quick brown fox jumps over the lazy dog\n");
        }
        byte[] bytes = text.substring(0, (int) size).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.Arrays.fill(bytes, 1 << 20, 2 << 20, (byte) 0);
        Files.write(file, bytes);
    }
}
