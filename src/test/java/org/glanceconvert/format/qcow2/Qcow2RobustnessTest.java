package org.glanceconvert.format.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import org.glanceconvert.testing.MapAgreement;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncated and corrupted copies of valid images: every entry point answers with a finding or an
 * {@link ImageFormatException} carrying a check id, never another exception, and whatever reads
 * without error reads the original content.
 */
class Qcow2RobustnessTest {
    private static final Qcow2Format FORMAT = new Qcow2Format();
    private static final long READ_CAP = 8L << 20;

    @TempDir
    Path dir;

    @Test
    void truncatedCraftedImages() throws IOException {
        for (CraftedQcow2 c : List.of(CraftedQcow2.standard(), new CraftedQcow2(9, false), new CraftedQcow2(14, true))) {
            byte[] original = c.bytes;
            byte[] content = c.expected;
            Random random = new Random(c.clusterBits);
            List<Integer> lengths = new ArrayList<>(List.of(0, 3, 4, 8, 71, 72, 103, 104, 111, 112, c.clusterSize - 1,
                    c.clusterSize, original.length - 1));
            for (int i = 0; i < 60; i++) {
                lengths.add(random.nextInt(original.length));
            }
            for (int length : lengths) {
                exercise(Arrays.copyOf(original, length), content, "truncated to " + length);
            }
        }
    }

    @Test
    void truncatedQemuImages() throws IOException {
        QemuImg.assumeAvailable();
        Path raw = TestImages.compressibleRaw(dir.resolve("d.raw"), 3 << 20, 5);
        byte[] content = Files.readAllBytes(raw);
        String[][] variants = {{"compression_type=zstd", "-c"}, {"compression_type=zlib,cluster_size=4096", "-c"},
                {"extended_l2=on", null}, {"cluster_size=512,refcount_bits=1", null}};
        Random random = new Random(7);
        for (String[] v : variants) {
            Path image = dir.resolve("d.qcow2");
            Files.deleteIfExists(image);
            if (v[1] != null) {
                QemuImg.convert(raw, "raw", image, "qcow2", v[0], v[1]);
            } else {
                QemuImg.convert(raw, "raw", image, "qcow2", v[0]);
            }
            byte[] original = Files.readAllBytes(image);
            exercise(original, content, v[0] + " untouched");
            for (int i = 0; i < 25; i++) {
                int length = random.nextInt(original.length);
                exercise(Arrays.copyOf(original, length), content, v[0] + " truncated to " + length);
            }
        }
    }

    @Test
    void corruptedMetadataBytes() throws IOException {
        CraftedQcow2 base = new CraftedQcow2(9, false);
        Random random = new Random(11);
        int metadata = 5 * base.clusterSize;
        for (int i = 0; i < 400; i++) {
            byte[] bytes = base.bytes.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                int at = random.nextInt(4) == 0 ? random.nextInt(112) : random.nextInt(metadata);
                bytes[at] = (byte) random.nextInt(256);
            }
            exercise(bytes, null, "corruption " + i);
        }
    }

    /**
     * Runs matches, the inspector, inspect, check, open, a bounded read and the extent walk on
     * {@code bytes}. When reading succeeds and {@code content} is known, it must be the content.
     */
    private static void exercise(byte[] bytes, byte[] content, String what) {
        MemoryByteSource source = new MemoryByteSource(what, bytes);
        try {
            FORMAT.matches(source);
            InspectionReport report = new Inspector(Limits.DEFAULT).inspect(source, what);
            assertNotNull(report.format());
            if (bytes.length >= 8) {
                attempt(() -> FORMAT.inspect(source, Limits.DEFAULT), what);
                attempt(() -> FORMAT.check(source, Limits.DEFAULT), what);
            }
            attempt(() -> {
                try (VirtualDisk disk = FORMAT.open(source, Limits.DEFAULT)) {
                    int n = (int) Math.min(disk.size(), READ_CAP);
                    ByteBuffer buffer = ByteBuffer.allocate(n);
                    disk.read(0, buffer);
                    if (content != null && n == content.length) {
                        assertArrayEquals(content, buffer.array(), what + " read without error but differs");
                    }
                    ExtentCursor cursor = disk.extents(0);
                    for (Extent e = cursor.next(); e != null; e = cursor.next()) {
                        assertTrue(e.end() <= disk.size());
                    }
                }
                return null;
            }, what);
        } catch (IOException e) {
            fail(what + ": " + e, e);
        }
    }

    @FunctionalInterface
    private interface Action {
        Object run() throws IOException;
    }

    private static void attempt(Action action, String what) {
        try {
            action.run();
        } catch (ImageFormatException e) {
            assertNotNull(e.check(), what);
        } catch (IOException | RuntimeException e) {
            fail(what + ": " + e, e);
        }
    }

    @Test
    void checkRefusesAUsageMapAboveTheTableLimit() throws IOException {
        CraftedQcow2 c = new CraftedQcow2(9, false);
        c.truncate(2000 * 512);
        Limits small = new Limits(Limits.TiB, 1024, Limits.MiB, Limits.MiB, Limits.GiB, 30_000);
        assertEquals(List.of(), FORMAT.inspect(c.source(), small).problems());
        assertEquals(List.of(Check.LIMITS_TABLE_SIZE.id()), Qcow2HostileTest.ids(FORMAT.check(c.source(), small)));
        // within the default limits the same image is fine (the extra clusters are unused and free)
        assertEquals(List.of(), FORMAT.check(c.source(), Limits.DEFAULT));
    }

    @Test
    void concurrentReadsWithATinyCache() throws Exception {
        QemuImg.assumeAvailable();
        Path raw = TestImages.compressibleRaw(dir.resolve("c.raw"), 6 << 20, 3);
        Path image = QemuImg.convert(raw, "raw", dir.resolve("c.qcow2"), "qcow2",
                "cluster_size=4096,compression_type=zstd", "-c");
        byte[] content = Files.readAllBytes(raw);
        Limits tiny = new Limits(Limits.TiB, 32 << 20, Limits.MiB, 8192, Limits.GiB, 30_000);
        try (VirtualDisk disk = FORMAT.open(new MemoryByteSource("c", Files.readAllBytes(image)), tiny)) {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                long seed = t;
                Thread thread = new Thread(() -> {
                    Random random = new Random(seed);
                    try {
                        for (int i = 0; i < 300; i++) {
                            int offset = random.nextInt(content.length);
                            int length = Math.min(content.length - offset, 1 + random.nextInt(40_000));
                            ByteBuffer buffer = ByteBuffer.allocate(length);
                            disk.read(offset, buffer);
                            if (!Arrays.equals(content, offset, offset + length, buffer.array(), 0, length)) {
                                throw new AssertionError("wrong bytes at " + offset + "+" + length);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(List.of(), failures);
            TestImages.assertSameContent(raw, disk);
        }
    }

    @Test
    void oneTebibyteSparseImage() throws IOException {
        QemuImg.assumeAvailable();
        Path image = QemuImg.create(dir.resolve("big.qcow2"), "qcow2", null, Limits.TiB);
        QemuImg.io(image, "qcow2", "write -P 1 0 65536", "write -P 2 549755813888 131072",
                "write -P 3 1099511562240 65536");
        try (VirtualDisk disk = FORMAT.open(new MemoryByteSource("big", Files.readAllBytes(image)), Limits.DEFAULT)) {
            assertEquals(Limits.TiB, disk.size());
            long started = System.nanoTime();
            List<Extent> extents = Qcow2HostileTest.extents(disk, 0);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(5, extents.size(), extents.toString());
            assertEquals(Extent.Kind.DATA, extents.get(4).kind());
            assertEquals(Limits.TiB, extents.get(4).end());
            assertTrue(millis < 5_000, "listing took " + millis + " ms");
            ByteBuffer tail = ByteBuffer.allocate(65536);
            disk.read(Limits.TiB - 65536, tail);
            byte[] threes = new byte[65536];
            Arrays.fill(threes, (byte) 3);
            assertArrayEquals(threes, tail.array());
            MapAgreement.assertSameMap(image, "qcow2", disk);
        }
        assertEquals(List.of(), FORMAT.check(new MemoryByteSource("big", Files.readAllBytes(image)), Limits.DEFAULT));
    }
}
