package org.glanceconvert.format.vmdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.testing.FileDisk;
import org.glanceconvert.testing.MapAgreement;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images laid out by {@link CraftedVmdk} (as VMware lays them out: a streamOptimized with its grain
 * directory behind a footer, which qemu-img never writes), checked against qemu-img, which reads
 * them, so the hostile variants built from them start from something valid.
 */
class VmdkCraftedImagesTest {
    @TempDir
    Path dir;

    static CraftedVmdk twoTables(CraftedVmdk crafted) {
        crafted.capacitySectors = 4999;
        crafted.grainSectors = 8;
        for (long index : new long[] {0, 1, 2, 100, 511, 512, 600, 624}) {
            crafted.randomGrain(index, index * 31 + 7);
        }
        return crafted;
    }

    @Test
    void streamWithFooterReadsLikeQemu() throws IOException {
        QemuImg.assumeAvailable();
        CraftedVmdk crafted = twoTables(new CraftedVmdk());
        byte[] image = crafted.buildStreamOptimized();
        Path vmdk = Files.write(dir.resolve("stream.vmdk"), image);
        Path raw = Files.write(dir.resolve("stream.raw"), crafted.expectedContent());
        JsonNode info = QemuImg.info(vmdk);
        assertEquals("streamOptimized", info.at("/format-specific/data/create-type").asText());
        assertEquals(crafted.virtualSize(), info.get("virtual-size").asLong());
        assertEquals(0, QemuImg.compare(vmdk, "vmdk", raw, "raw").exitCode(), "qemu-img reads the crafted stream");

        InspectionReport report = TestImages.inspect(vmdk);
        assertTrue(report.safe(), report.problems().toString());
        assertEquals("streamOptimized", report.subformat());
        assertEquals(4096L, report.clusterSize());
        try (VirtualDisk disk = FileDisk.open(vmdk, new VmdkFormat())) {
            assertArrayEquals(crafted.expectedContent(), readAll(disk));
            MapAgreement.assertSameData(QemuImg.map(vmdk, "vmdk"), disk);
            assertEquals(List.of(), new VmdkFormat().check(new MemoryByteSource("s", image), Limits.DEFAULT));
        }
    }

    @Test
    void craftedMonolithicSparseWithZeroedGrainsReadsLikeQemu() throws IOException {
        QemuImg.assumeAvailable();
        CraftedVmdk crafted = twoTables(new CraftedVmdk());
        crafted.zeroedGrainFlag = true;
        crafted.zeroGrains.add(3L);
        crafted.zeroGrains.add(513L);
        byte[] image = crafted.buildMonolithicSparse();
        Path vmdk = Files.write(dir.resolve("sparse.vmdk"), image);
        Path raw = Files.write(dir.resolve("sparse.raw"), crafted.expectedContent());
        assertEquals(0, QemuImg.compare(vmdk, "vmdk", raw, "raw").exitCode());

        assertTrue(TestImages.inspect(vmdk).safe());
        try (VirtualDisk disk = FileDisk.open(vmdk, new VmdkFormat())) {
            assertArrayEquals(crafted.expectedContent(), readAll(disk));
            MapAgreement.assertSameData(QemuImg.map(vmdk, "vmdk"), disk);
            List<Extent> zero = new ArrayList<>();
            ExtentCursor cursor = disk.extents(0);
            for (Extent e = cursor.next(); e != null; e = cursor.next()) {
                if (e.kind() == Extent.Kind.ZERO) {
                    zero.add(e);
                }
            }
            assertEquals(List.of(Extent.zero(3 * 4096, 4096), Extent.zero(513 * 4096, 4096)), zero);
        }
        assertEquals(List.of(), new VmdkFormat().check(new MemoryByteSource("s", image), Limits.DEFAULT));
    }

    /** Extents from any offset start exactly there; reads of any range agree with the whole. */
    @Test
    void extentsAndReadsFromAnyOffset() throws IOException {
        CraftedVmdk crafted = twoTables(new CraftedVmdk());
        byte[] expected = crafted.expectedContent();
        for (byte[] image : List.of(crafted.buildMonolithicSparse(), twoTables(new CraftedVmdk()).buildStreamOptimized())) {
            try (VirtualDisk disk = new VmdkFormat().open(new MemoryByteSource("x", image), Limits.DEFAULT)) {
                Random random = new Random(5);
                for (int i = 0; i < 200; i++) {
                    long offset = random.nextInt(expected.length);
                    assertEquals(offset, disk.extents(offset).next().start());
                    int length = (int) Math.min(expected.length - offset, random.nextInt(3 * 4096) + 1);
                    ByteBuffer buf = ByteBuffer.allocateDirect(length);
                    disk.read(offset, buf);
                    byte[] got = new byte[length];
                    buf.flip().get(got);
                    assertArrayEquals(java.util.Arrays.copyOfRange(expected, (int) offset, (int) offset + length), got,
                            "range " + offset + "+" + length);
                }
                assertEquals(null, disk.extents(disk.size()).next());
            }
        }
    }

    /** Concurrent reads of different ranges give the same bytes as one reader. */
    @Test
    void concurrentReadsAgree() throws Exception {
        CraftedVmdk crafted = twoTables(new CraftedVmdk());
        byte[] expected = crafted.expectedContent();
        Limits smallCache = new Limits(Limits.TiB, Limits.MiB, Limits.MiB, 16 * 1024, Limits.GiB, 30_000);
        for (byte[] image : List.of(crafted.buildMonolithicSparse(), crafted.buildStreamOptimized())) {
            try (VirtualDisk disk = new VmdkFormat().open(new MemoryByteSource("x", image), smallCache)) {
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<?>> jobs = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        long seed = t;
                        jobs.add(pool.submit(() -> {
                            Random random = new Random(seed);
                            for (int i = 0; i < 300; i++) {
                                int offset = random.nextInt(expected.length - 9000);
                                byte[] got = new byte[9000];
                                disk.read(offset, ByteBuffer.wrap(got));
                                assertArrayEquals(java.util.Arrays.copyOfRange(expected, offset, offset + 9000), got);
                            }
                            return null;
                        }));
                    }
                    for (Future<?> job : jobs) {
                        job.get();
                    }
                } finally {
                    pool.shutdown();
                }
            }
        }
    }

    static byte[] readAll(VirtualDisk disk) throws IOException {
        ByteBuffer all = ByteBuffer.allocate((int) disk.size());
        disk.read(0, all);
        return all.array();
    }

}
