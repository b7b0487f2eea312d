package org.glanceconvert.format.vhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.testing.FileDisk;
import org.glanceconvert.testing.MapAgreement;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.QemuOracleTest;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** VHD images made by qemu-img (the "vpc" driver) read exactly as qemu-img reads them. */
class VhdQemuTest extends QemuOracleTest {
    private static final DiskFormat VHD = DiskFormats.byName("vpc").orElseThrow();

    /** Sizes that are not a multiple of the 2 MiB block (nor, mostly, of a CHS cylinder). */
    static Stream<Arguments> variants() {
        List<Arguments> all = new ArrayList<>();
        for (long size : new long[] {7 * Limits.MiB + 96 * Limits.KiB + 1024, 3 * Limits.MiB + 512}) {
            for (String options : new String[] {"subformat=dynamic", "subformat=fixed",
                    "subformat=dynamic,force_size=on", "subformat=fixed,force_size=on"}) {
                all.add(Arguments.of(options, size));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, {1} bytes")
    @MethodSource("variants")
    void readsLikeQemu(String options, long size) throws IOException {
        Path raw = TestImages.patternedRaw(dir.resolve("src.raw"), size, size ^ options.hashCode());
        Path vhd = QemuImg.convert(raw, "raw", dir.resolve("x.vhd"), "vpc", options);
        JsonNode info = QemuImg.info(vhd, "vpc");
        Path reference = QemuImg.convert(vhd, "vpc", dir.resolve("ref.raw"), "raw", null);
        boolean fixed = options.contains("fixed");

        InspectionReport report = TestImages.inspect(vhd);
        assertEquals("vhd", report.format());
        assertEquals(fixed ? "fixed" : "dynamic", report.subformat());
        assertEquals(info.get("virtual-size").asLong(), report.virtualSize(), "virtual size against qemu-img info");
        assertTrue(report.safe(), report.problems().toString());
        if (fixed) {
            assertNull(report.clusterSize(), "a fixed disk has no allocation unit");
        } else {
            assertEquals(info.get("cluster-size").asLong(), report.clusterSize());
        }
        if (options.contains("force_size")) {
            assertEquals(size, report.virtualSize(), "force_size keeps the exact size");
        }
        assertEquals(List.of(), TestImages.check(vhd, VHD), "check finds nothing");
        try (VirtualDisk disk = FileDisk.open(vhd, VHD)) {
            TestImages.assertSameContent(reference, disk);
            MapAgreement.assertSameData(QemuImg.map(vhd, "vpc"), disk);
            MapAgreement.assertNonDataIsZero(reference, disk);
        }
    }

    @Test
    void concurrentReadsOfDifferentRangesAgreeWithOneThread() throws Exception {
        long size = 9 * Limits.MiB + 512;
        Path raw = TestImages.patternedRaw(dir.resolve("src.raw"), size, 7);
        Path vhd = QemuImg.convert(raw, "raw", dir.resolve("x.vhd"), "vpc", "subformat=dynamic");
        Path reference = QemuImg.convert(vhd, "vpc", dir.resolve("ref.raw"), "raw", null);
        byte[] expected = Files.readAllBytes(reference);
        // A tiny cache makes the threads evict each other's BAT pages and bitmaps.
        Limits smallCache = new Limits(Limits.TiB, Limits.MiB, Limits.MiB, 8 * Limits.KiB, Limits.GiB, 10_000);
        try (ByteSource source = FileByteSource.open(vhd); VirtualDisk disk = VHD.open(source, smallCache)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    long seed = t;
                    results.add(pool.submit(() -> {
                        Random random = new Random(seed);
                        for (int i = 0; i < 100; i++) {
                            int length = 1 + random.nextInt(1 << 20);
                            long offset = (long) (random.nextDouble() * (disk.size() - length));
                            ByteBuffer buf = ByteBuffer.allocate(length);
                            disk.read(offset, buf);
                            byte[] want = new byte[length];
                            System.arraycopy(expected, (int) offset, want, 0, length);
                            assertArrayEquals(want, buf.array(), "range " + offset + "+" + length);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : results) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
