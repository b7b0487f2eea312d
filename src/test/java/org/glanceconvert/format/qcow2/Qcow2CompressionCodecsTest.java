package org.glanceconvert.format.qcow2;

import static org.glanceconvert.testing.WriterFixtures.assertCheckClean;
import static org.glanceconvert.testing.WriterFixtures.assertIdentical;
import static org.glanceconvert.testing.WriterFixtures.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.glanceconvert.codec.NativeCodecs;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.WriterFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compressed qcow2 written by the native codecs (libdeflate, libzstd) and by the pure-Java
 * fallback, judged by qemu-img; qemu's rule that a cluster is stored as it is when its
 * compressed form does not fit in {@code cluster_size - 1} bytes.
 */
class Qcow2CompressionCodecsTest {
    private static final int CLUSTER = 65536;
    private static final int CLUSTERS = 16;

    @TempDir
    static Path dir;
    /** Even clusters random (incompressible), odd ones text. */
    private static Path mixed;

    @BeforeAll
    static void makeSource() throws IOException {
        QemuImg.assumeAvailable();
        byte[] bytes = new byte[CLUSTERS * CLUSTER];
        Random random = new Random(17);
        byte[] line = "the same line of text again and again\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int c = 0; c < CLUSTERS; c++) {
            if (c % 2 == 0) {
                byte[] noise = new byte[CLUSTER];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, bytes, c * CLUSTER, CLUSTER);
            } else {
                for (int i = 0; i < CLUSTER; i++) {
                    bytes[c * CLUSTER + i] = line[i % line.length];
                }
            }
        }
        mixed = Files.write(dir.resolve("mixed.raw"), bytes);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"zlib", "zstd"})
    void theWriterUsesTheNativeCodec(String type) throws ImageFormatException {
        try (Qcow2ClusterCompressor c = Qcow2ClusterCompressor.of(settings(type))) {
            assertEquals(type.equals("zlib") ? "libdeflate" : "libzstd", c.implementation(), NativeCodecs.describe());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"zlib", "zstd"})
    void aRandomClusterDoesNotCompressAndIsStoredAsItIs(String type) throws IOException {
        byte[] noise = new byte[CLUSTER];
        new Random(3).nextBytes(noise);
        try (Qcow2ClusterCompressor c = Qcow2ClusterCompressor.of(settings(type))) {
            ByteBuffer out = ByteBuffer.allocateDirect(2 * CLUSTER).position(5);
            assertEquals(-1, c.compress(ByteBuffer.allocateDirect(CLUSTER).put(noise).flip(), out));
            assertEquals(5, out.position());
        }
        Path out = dir.resolve("mixed-" + type + ".qcow2");
        WriterFixtures.writeFile(new Qcow2Writer(), mixed, out, options(true, 2, "compression_type=" + type));
        assertCheckClean(out, "qcow2");
        assertIdentical(mixed, out, "qcow2");
        for (JsonNode e : QemuImg.map(out, "qcow2")) {
            long first = e.get("start").asLong() / CLUSTER;
            long last = (e.get("start").asLong() + e.get("length").asLong() - 1) / CLUSTER;
            for (long c = first; c <= last; c++) {
                // qemu-img map gives a host offset for stored clusters, none for compressed ones.
                assertEquals(c % 2 == 0, e.has("offset"), "cluster " + c + ": " + e);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"zlib", "zstd"})
    void compressesAboutAsSmallAsQemuImg(String type) throws IOException {
        Path text = dir.resolve("text-" + type + ".raw");
        Qcow2WriterTest.writeCompressibleRaw(text, 4L << 20);
        Path ours = dir.resolve("text-gc-" + type + ".qcow2");
        WriterFixtures.writeFile(new Qcow2Writer(), text, ours, options(true, 2, "compression_type=" + type));
        Path theirs = QemuImg.convert(text, "raw", dir.resolve("text-qemu-" + type + ".qcow2"), "qcow2",
                "compression_type=" + type, "-c");
        assertIdentical(text, ours, "qcow2");
        // Not faster by compressing less: within 5 % of qemu-img's output.
        assertTrue(Files.size(ours) <= Files.size(theirs) * 105 / 100,
                "ours " + Files.size(ours) + " vs qemu-img's " + Files.size(theirs));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"zlib", "zstd"})
    void thePureJavaFallbackWritesImagesQemuReads(String type) throws IOException {
        String before = System.getProperty(NativeCodecs.PROPERTY);
        System.setProperty(NativeCodecs.PROPERTY, "false");
        Path out = dir.resolve("fallback-" + type + ".qcow2");
        try {
            try (Qcow2ClusterCompressor c = Qcow2ClusterCompressor.of(settings(type))) {
                assertEquals(type.equals("zlib") ? "java.util.zip" : "aircompressor", c.implementation());
            }
            WriterFixtures.writeFile(new Qcow2Writer(), mixed, out, options(true, 2, "compression_type=" + type));
        } finally {
            if (before == null) {
                System.clearProperty(NativeCodecs.PROPERTY);
            } else {
                System.setProperty(NativeCodecs.PROPERTY, before);
            }
        }
        assertCheckClean(out, "qcow2");
        assertIdentical(mixed, out, "qcow2");
        assertEquals(type, QemuImg.info(out).at("/format-specific/data/compression-type").asText());
    }

    private static Qcow2WriteSettings settings(String type) throws ImageFormatException {
        return Qcow2WriteSettings.from(options(true, 2, "compression_type=" + type));
    }
}
