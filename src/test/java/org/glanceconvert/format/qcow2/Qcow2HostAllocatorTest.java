package org.glanceconvert.format.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.glanceconvert.format.WriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refcounts written by the allocator equal the references handed out, counted independently. */
class Qcow2HostAllocatorTest {
    @TempDir
    Path dir;

    @Test
    void tinyCompressedClustersNeverOverflowA16BitRefcount() throws IOException {
        Qcow2WriteSettings settings = settings("2M");
        Map<Long, Integer> expected = new HashMap<>();
        try (FileChannel ch = open("overflow")) {
            Qcow2HostAllocator allocator = new Qcow2HostAllocator(ch, settings);
            count(expected, allocator.allocateClusters(1), 1, settings);
            for (int i = 0; i < 70_000; i++) {
                count(expected, allocator.allocateBytes(12), 12, settings);
            }
            long[] table = allocator.finish();
            Map<Long, Integer> onDisk = readRefcounts(ch, settings, table[0], table[1]);
            expected.putAll(metadataClusters(onDisk, expected));
            assertEquals(expected, onDisk);
            assertTrue(onDisk.values().stream().allMatch(c -> c <= 0xffff));
            assertEquals(0xffff, onDisk.get(1L), "the first packed cluster is filled to the limit");
        }
    }

    @Test
    void refcountBlocksAreWrittenAsTheirClustersBecomeFinal() throws IOException {
        Qcow2WriteSettings settings = settings("512");
        Map<Long, Integer> expected = new HashMap<>();
        try (FileChannel ch = open("blocks")) {
            Qcow2HostAllocator allocator = new Qcow2HostAllocator(ch, settings);
            count(expected, allocator.allocateClusters(1), 512, settings);
            java.util.Random random = new java.util.Random(2);
            for (int i = 0; i < 20_000; i++) {
                if (random.nextInt(3) == 0) {
                    count(expected, allocator.allocateClusters(1), 512, settings);
                } else {
                    int length = 1 + random.nextInt(511);
                    count(expected, allocator.allocateBytes(length), length, settings);
                }
                assertTrue(allocator.openBlocksForTest().size() <= 2, "only the blocks still changing are kept");
            }
            long[] table = allocator.finish();
            Map<Long, Integer> onDisk = readRefcounts(ch, settings, table[0], table[1]);
            expected.putAll(metadataClusters(onDisk, expected));
            assertEquals(expected, onDisk);
            assertEquals(allocator.end(), ch.size());
        }
    }

    private FileChannel open(String name) throws IOException {
        return FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    private static Qcow2WriteSettings settings(String clusterSize) throws IOException {
        return Qcow2WriteSettings.from(new WriteOptions(Map.of("cluster_size", clusterSize), true, 1));
    }

    private static void count(Map<Long, Integer> refs, long offset, int length, Qcow2WriteSettings s) {
        for (long c = offset >>> s.clusterBits(); c <= (offset + length - 1) >>> s.clusterBits(); c++) {
            refs.merge(c, 1, Integer::sum);
        }
    }

    /** Clusters counted on disk that the test did not allocate: the refcount table and blocks, each once. */
    private static Map<Long, Integer> metadataClusters(Map<Long, Integer> onDisk, Map<Long, Integer> data) {
        Map<Long, Integer> extra = new HashMap<>();
        onDisk.forEach((cluster, count) -> {
            if (!data.containsKey(cluster)) {
                assertEquals(1, count, "metadata cluster " + cluster);
                extra.put(cluster, 1);
            }
        });
        return extra;
    }

    private static Map<Long, Integer> readRefcounts(FileChannel ch, Qcow2WriteSettings s, long tableOffset,
                                                    long tableClusters) throws IOException {
        Map<Long, Integer> counts = new HashMap<>();
        ByteBuffer table = ByteBuffer.allocate((int) (tableClusters * s.clusterSize()));
        ch.read(table, tableOffset);
        for (int i = 0; i < table.capacity() / 8; i++) {
            long block = table.getLong(i * 8);
            if (block == 0) {
                continue;
            }
            ByteBuffer b = ByteBuffer.allocate(s.clusterSize());
            ch.read(b, block);
            for (int j = 0; j < s.refcountEntries(); j++) {
                int c = b.getShort(j * 2) & 0xffff;
                if (c != 0) {
                    counts.put((long) i * s.refcountEntries() + j, c);
                }
            }
        }
        return counts;
    }
}
