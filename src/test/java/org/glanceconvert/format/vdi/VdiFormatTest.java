package org.glanceconvert.format.vdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** VDI images made by qemu-img from patterned raw files: qemu-img is the oracle. */
class VdiFormatTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "static={0} size={1}")
    @CsvSource({
        "off, 5242880",
        "on, 5242880",
        "off, 3672064",   // 3.5 MiB + 1 KiB: the last block is partial
        "on, 3672064",
    })
    void qemuImgMadeVdiAgreesWithQemuImg(String staticOpt, long size) throws IOException {
        QemuImg.assumeAvailable();
        Path raw = TestImages.patternedRaw(dir.resolve("disk.raw"), size, size ^ staticOpt.hashCode());
        Path vdi = QemuImg.convert(raw, "raw", dir.resolve("disk.vdi"), "vdi", "static=" + staticOpt);
        JsonNode info = QemuImg.info(vdi);

        try (FileByteSource source = FileByteSource.open(vdi)) {
            InspectionReport r = new Inspector(Limits.DEFAULT).inspect(source, vdi.toString());
            assertEquals(info.get("format").asText(), r.format());
            assertEquals(info.get("virtual-size").asLong(), r.virtualSize());
            assertEquals(info.get("cluster-size").asLong(), r.clusterSize());
            assertEquals(staticOpt.equals("on") ? "fixed" : "dynamic", r.subformat());
            assertTrue(r.safe(), r.problems().toString());
            assertTrue(new VdiFormat().check(source, Limits.DEFAULT).isEmpty());
        }
        try (FileByteSource source = FileByteSource.open(vdi);
             VirtualDisk disk = new VdiFormat().open(source, Limits.DEFAULT)) {
            assertEquals(1 << 20, disk.clusterSize());
            TestImages.assertSameContent(raw, disk);
            assertMapAgrees(QemuImg.map(vdi, "vdi"), disk);
            assertConcurrentReadsAgree(Files.readAllBytes(raw), disk);
        }
    }

    /** Four threads reading random, block-straddling ranges at once all see the raw bytes. */
    private static void assertConcurrentReadsAgree(byte[] expected, VirtualDisk disk) {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Void>> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Random random = new Random(t);
                readers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 50; i++) {
                        int length = 1 + random.nextInt(300_000);
                        int offset = random.nextInt(expected.length - length + 1);
                        ByteBuffer buf = ByteBuffer.allocate(length);
                        try {
                            disk.read(offset, buf);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        assertTrue(Arrays.equals(expected, offset, offset + length, buf.array(), 0, length),
                                "concurrent read of " + offset + "+" + length);
                    }
                }, pool));
            }
            readers.forEach(CompletableFuture::join);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Every range qemu-img map calls data is data here too, at the same host offset, and
     * everything else reads as zero without data.
     */
    private static void assertMapAgrees(JsonNode qemuMap, VirtualDisk disk) throws IOException {
        List<Extent> ours = new ArrayList<>();
        ExtentCursor cursor = disk.extents(0).coalesced();
        for (Extent e = cursor.next(); e != null; e = cursor.next()) {
            ours.add(e);
        }
        long expectedStart = 0;
        for (Extent e : ours) {
            assertEquals(expectedStart, e.start(), "extents cover the disk without gaps");
            expectedStart = e.end();
        }
        assertEquals(disk.size(), expectedStart);
        // a walk that starts mid-block agrees with the walk from 0
        for (long from = 4096 + 512; from < disk.size(); from += (1 << 20) + 4096) {
            Extent first = disk.extents(from).next();
            Extent whole = covering(ours, from);
            assertEquals(from, first.start());
            assertEquals(whole.kind(), first.kind());
            if (whole.kind() == Extent.Kind.DATA) {
                assertEquals(whole.hostOffset() + (from - whole.start()), first.hostOffset());
            }
        }
        for (JsonNode q : qemuMap) {
            long start = q.get("start").asLong();
            long length = q.get("length").asLong();
            boolean data = q.get("data").asBoolean();
            for (long pos = start; pos < start + length; ) {
                Extent e = covering(ours, pos);
                assertNotNull(e, "no extent at " + pos);
                assertEquals(data, e.kind() == Extent.Kind.DATA, "data at " + pos + " per qemu-img map " + q);
                if (data) {
                    assertEquals(q.get("offset").asLong() + (pos - start), e.hostOffset() + (pos - e.start()),
                            "host offset at " + pos);
                }
                pos = Math.min(start + length, e.end());
            }
        }
    }

    private static Extent covering(List<Extent> extents, long pos) {
        for (Extent e : extents) {
            if (e.start() <= pos && pos < e.end()) {
                return e;
            }
        }
        return null;
    }

    @ParameterizedTest(name = "static={0}")
    @CsvSource({"off", "on"})
    void everyTruncatedCopyIsUnsafeWithACheckId(String staticOpt) throws IOException {
        QemuImg.assumeAvailable();
        Path raw = TestImages.patternedRaw(dir.resolve("t.raw"), 3 << 20, 7);
        Path vdi = QemuImg.convert(raw, "raw", dir.resolve("t.vdi"), "vdi", "static=" + staticOpt);
        byte[] whole = Files.readAllBytes(vdi);
        Random random = new Random(42);
        List<Integer> lengths = new ArrayList<>(List.of(0, 1, 0x43, 0x44, 511, 512, 513, 1024, whole.length - 1));
        for (int i = 0; i < 25; i++) {
            lengths.add(random.nextInt(whole.length));
        }
        for (int length : lengths) {
            try (MemoryByteSource source = new MemoryByteSource("cut", Arrays.copyOf(whole, length))) {
                InspectionReport r = new Inspector(Limits.DEFAULT).inspect(source, "cut");
                if (length < 0x44) {
                    assertEquals("raw", r.format(), "length " + length);
                    continue;
                }
                assertEquals("vdi", r.format(), "length " + length);
                assertFalse(r.safe(), "a VDI cut to " + length + " bytes must be refused");
                r.problems().forEach(p -> assertTrue(VdiHostileTest.isRegisteredCheck(p.check()), p.toString()));
                assertFalse(new VdiFormat().check(source, Limits.DEFAULT).isEmpty(), "check at " + length);
            }
        }
    }
}
