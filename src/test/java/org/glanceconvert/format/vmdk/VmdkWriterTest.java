package org.glanceconvert.format.vmdk;

import static org.glanceconvert.testing.TestImages.sparseRaw;
import static org.glanceconvert.testing.WriterFixtures.ODD_SIZE;
import static org.glanceconvert.testing.WriterFixtures.assertCheckClean;
import static org.glanceconvert.testing.WriterFixtures.assertIdentical;
import static org.glanceconvert.testing.WriterFixtures.options;
import static org.glanceconvert.testing.WriterFixtures.readAt;
import static org.glanceconvert.testing.WriterFixtures.unallocatedDisk;
import static org.glanceconvert.testing.WriterFixtures.writeFile;
import static org.glanceconvert.testing.WriterFixtures.writeStream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.glanceconvert.codec.NativeCodecs;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.SparseFiles;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.QemuOracleTest;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VmdkWriterTest extends QemuOracleTest {
    private final VmdkWriter writer = new VmdkWriter();

    @Test
    void streamOptimizedHoldsTheSourceAndQemuAcceptsIt() throws IOException {
        Path raw = TestImages.patternedRaw(dir.resolve("src.raw"), ODD_SIZE, 11);
        Path vmdk = writeFile(writer, raw, dir.resolve("out.vmdk"), options());

        assertIdentical(raw, vmdk, "vmdk");
        assertCheckClean(vmdk, "vmdk");
        JsonNode info = QemuImg.info(vmdk);
        assertEquals("vmdk", info.get("format").asText());
        assertEquals(ODD_SIZE, info.get("virtual-size").asLong());
        JsonNode data = info.get("format-specific").get("data");
        assertEquals("streamOptimized", data.get("create-type").asText());
        assertTrue(data.get("extents").get(0).get("compressed").asBoolean());
        assertStreamLayout(vmdk);
        assertGlanceCanParseDescriptor(vmdk);
    }

    @Test
    void thePureJavaDeflaterFallbackWritesAnImageQemuReads() throws IOException {
        Path raw = TestImages.patternedRaw(dir.resolve("src.raw"), ODD_SIZE, 13);
        String before = System.getProperty(NativeCodecs.PROPERTY);
        System.setProperty(NativeCodecs.PROPERTY, "false");
        Path vmdk;
        try {
            try (VmdkGrainCompressor compressor = new VmdkGrainCompressor()) {
                assertEquals("java.util.zip", compressor.implementation());
            }
            vmdk = writeFile(writer, raw, dir.resolve("fallback.vmdk"), options(true, 2));
        } finally {
            if (before == null) {
                System.clearProperty(NativeCodecs.PROPERTY);
            } else {
                System.setProperty(NativeCodecs.PROPERTY, before);
            }
        }
        assertIdentical(raw, vmdk, "vmdk");
        assertCheckClean(vmdk, "vmdk");
        assertStreamLayout(vmdk);
    }

    @Test
    void streamIntoANonSeekableChannelIsAValidImage() throws IOException {
        Path raw = TestImages.patternedRaw(dir.resolve("src.raw"), ODD_SIZE, 12);
        Path vmdk = writeStream(writer, raw, dir.resolve("out.vmdk"), options(true, 3));

        assertIdentical(raw, vmdk, "vmdk");
        assertCheckClean(vmdk, "vmdk");
        assertStreamLayout(vmdk);
    }

    @Test
    void parallelCompressionKeepsGrainsInOrder() throws IOException {
        Path raw = TestImages.patternedRaw(dir.resolve("src.raw"), 3 * Limits.MiB, 13);
        Path one = writeFile(writer, raw, dir.resolve("one.vmdk"), options(false, 1));
        Path many = writeFile(writer, raw, dir.resolve("many.vmdk"), options(false, 4));

        byte[] a = Files.readAllBytes(one);
        byte[] b = Files.readAllBytes(many);
        assertEquals(a.length, b.length);
        // Only the descriptor's random CID may differ.
        Arrays.fill(a, 512, 1024, (byte) 0);
        Arrays.fill(b, 512, 1024, (byte) 0);
        assertArrayEquals(a, b);
    }

    @Test
    void monolithicSparseHoldsTheSourceAndQemuAcceptsIt() throws IOException {
        Path raw = TestImages.patternedRaw(dir.resolve("src.raw"), ODD_SIZE, 14);
        Path vmdk = writeFile(writer, raw, dir.resolve("out.vmdk"), options("subformat=monolithicSparse"));

        assertIdentical(raw, vmdk, "vmdk");
        assertCheckClean(vmdk, "vmdk");
        JsonNode info = QemuImg.info(vmdk);
        assertEquals(ODD_SIZE, info.get("virtual-size").asLong());
        assertEquals("monolithicSparse", info.get("format-specific").get("data").get("create-type").asText());
        ByteBuffer header = ByteBuffer.wrap(readAt(vmdk, 0, 512)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, header.getInt(4), "version");
        assertEquals(0x3, header.getInt(8), "flags: newline test and redundant grain tables");
        assertGlanceCanParseDescriptor(vmdk);
    }

    @Test
    void sparseDiskGivesSmallImagesWithDataAcrossGrainTables() throws IOException {
        long size = 16 * Limits.GiB;
        Path raw = sparseRaw(dir.resolve("src.raw"), size, 15,
                0, 100_000,
                32 * Limits.MiB - 100 * Limits.KiB, 200 * Limits.KiB,   // spans two grain tables
                8 * Limits.GiB + 4096, 70_000,
                size - 512, 512);                                       // the very last sector
        Path stream = writeFile(writer, raw, dir.resolve("stream.vmdk"), options());
        Path sparse = writeFile(writer, raw, dir.resolve("sparse.vmdk"), options("subformat=monolithicSparse"));

        assertIdentical(raw, stream, "vmdk");
        assertCheckClean(stream, "vmdk");
        assertTrue(Files.size(stream) < 2 * Limits.MiB, "stream size " + Files.size(stream));
        assertIdentical(raw, sparse, "vmdk");
        assertCheckClean(sparse, "vmdk");
        long allocated = SparseFiles.allocatedBytes(sparse);
        assertTrue(allocated < 0 || allocated < 4 * Limits.MiB, "monolithicSparse allocated " + allocated);
    }

    @Test
    void allZeroSourceGivesATinyImage() throws IOException {
        Path raw = sparseRaw(dir.resolve("src.raw"), 64 * Limits.MiB, 16);
        Path zeros = dir.resolve("zeros.raw");
        Files.write(zeros, new byte[3 * 1024 * 1024]);
        for (Path source : new Path[] {raw, zeros}) {
            Path vmdk = writeFile(writer, source, dir.resolve(source.getFileName() + ".vmdk"), options());
            assertIdentical(source, vmdk, "vmdk");
            assertCheckClean(vmdk, "vmdk");
            assertTrue(Files.size(vmdk) < 70 * Limits.KiB, "size " + Files.size(vmdk));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ide", "lsilogic", "buslogic", "legacyESX", "lsiLogic"})
    void adapterTypeGoesIntoTheDescriptor(String adapter) throws IOException {
        Path raw = TestImages.patternedRaw(dir.resolve("src.raw"), 2 * Limits.MiB, 17);
        Path vmdk = writeFile(writer, raw, dir.resolve("out.vmdk"), options("adapter_type=" + adapter));

        VmdkWriterOptions.AdapterType type = VmdkWriterOptions.AdapterType.parse(adapter);
        String descriptor = descriptor(vmdk);
        assertTrue(descriptor.contains("ddb.adapterType = \"" + type.descriptorValue() + "\"\n"), descriptor);
        int heads = adapter.equals("ide") ? 16 : 255;
        assertTrue(descriptor.contains("ddb.geometry.heads = \"" + heads + "\"\n"), descriptor);
        assertIdentical(raw, vmdk, "vmdk");
    }

    @Test
    void glanceAdapterNamesFollowTheDescriptor() throws ImageFormatException {
        assertEquals("lsiLogic", VmdkWriterOptions.AdapterType.parse("lsilogic").glanceValue().orElseThrow());
        assertEquals("busLogic", VmdkWriterOptions.AdapterType.parse("BusLogic").glanceValue().orElseThrow());
        assertEquals("ide", VmdkWriterOptions.AdapterType.parse("ide").glanceValue().orElseThrow());
        assertTrue(VmdkWriterOptions.AdapterType.parse("legacyESX").glanceValue().isEmpty());
    }

    @Test
    void validateRefusesWhatSparseVmdkCannotHold() throws ImageFormatException {
        ImageFormatException big = assertThrows(ImageFormatException.class,
                () -> writer.validate(unallocatedDisk(3 * Limits.TiB), options()));
        assertEquals(Check.FORMAT_OUTPUT_LIMIT, big.check());
        assertThrows(ImageFormatException.class,
                () -> writer.validate(unallocatedDisk(2 * Limits.TiB + 512), options("subformat=monolithicSparse")));
        writer.validate(unallocatedDisk(2 * Limits.TiB), options());

        for (WriteOptions bad : new WriteOptions[] {options("subformat=twoGbMaxExtentFlat"),
                options("adapter_type=pvscsi"), options("cluster_size=64k"),
                options(true, 1, "subformat=monolithicSparse")}) {
            ImageFormatException e = assertThrows(ImageFormatException.class,
                    () -> writer.validate(unallocatedDisk(Limits.MiB), bad), bad.toString());
            assertEquals(Check.FORMAT_UNSUPPORTED, e.check());
        }
        writer.validate(unallocatedDisk(Limits.MiB), options(true, 1));
        assertTrue(writer.streamable(options()));
        assertFalse(writer.streamable(options("subformat=monolithicSparse")));
    }

    @Test
    void largestSparseDiskWritesAsAStream() throws IOException {
        // 2 TiB with no data: a full grain directory and nothing else.
        Path vmdk = dir.resolve("big.vmdk");
        try (var ch = java.nio.channels.FileChannel.open(vmdk, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            writer.write(unallocatedDisk(2 * Limits.TiB), ch, options(), bytes -> { });
        }
        assertEquals(2 * Limits.TiB, QemuImg.info(vmdk).get("virtual-size").asLong());
        assertCheckClean(vmdk, "vmdk");
        assertTrue(Files.size(vmdk) < 400 * Limits.KiB);
    }

    /** Version 3, grain directory at end, and the footer/end-of-stream trailer as Glance checks it. */
    private static void assertStreamLayout(Path vmdk) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(readAt(vmdk, 0, 512)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x564d444b, header.getInt(0));
        assertEquals(3, header.getInt(4), "version");
        assertEquals(0x30001, header.getInt(8), "flags");
        assertEquals(-1L, header.getLong(56), "GD_AT_END");
        assertEquals(128, header.getLong(64), "overhead: first grain on a grain boundary");
        assertEquals(1, header.getShort(77), "deflate");

        long size = Files.size(vmdk);
        assertEquals(0, size % 512);
        ByteBuffer tail = ByteBuffer.wrap(readAt(vmdk, size - 1536, 1536)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, tail.getInt(8), "footer marker size");
        assertEquals(3, tail.getInt(12), "footer marker type");
        assertTrue(isZero(tail.array(), 16, 512), "footer marker padding");
        ByteBuffer footer = ByteBuffer.wrap(tail.array(), 512, 512).slice().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x564d444b, footer.getInt(0));
        assertEquals(header.getLong(28), footer.getLong(28), "descriptor offset");
        assertEquals(header.getLong(36), footer.getLong(36), "descriptor size");
        long gd = footer.getLong(56);
        assertNotEquals(-1L, gd);
        assertTrue(gd * 512 < size - 1536);
        assertTrue(isZero(tail.array(), 1024, 1536), "end-of-stream marker");
    }

    /** Glance's format inspector refuses descriptors with lines it does not understand. */
    private static void assertGlanceCanParseDescriptor(Path vmdk) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(readAt(vmdk, 0, 512)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, header.getLong(28), "descriptor at 0x200");
        for (String line : descriptor(vmdk).split("\n")) {
            String l = line.strip().toLowerCase();
            boolean ok = l.isEmpty() || l.startsWith("#") || l.startsWith("ddb")
                    || (l.contains("=") && !l.split("=")[0].contains(" ")) || l.startsWith("rw ");
            assertTrue(ok, "descriptor line Glance would refuse: " + line);
            assertFalse(l.startsWith("rw ") && l.contains("/"), line);
        }
    }

    private static String descriptor(Path vmdk) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(readAt(vmdk, 0, 512)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] d = readAt(vmdk, 512, (int) header.getLong(36) * 512);
        int end = 0;
        while (end < d.length && d[end] != 0) {
            end++;
        }
        return new String(d, 0, end, StandardCharsets.US_ASCII);
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void registeredAsAWriter() {
        assertTrue(org.glanceconvert.format.DiskFormats.writer("vmdk").orElseThrow() instanceof VmdkWriter);
    }
}
