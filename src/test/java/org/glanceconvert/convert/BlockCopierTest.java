package org.glanceconvert.convert;

import static org.glanceconvert.image.Extent.Kind.DATA;
import static org.glanceconvert.image.Extent.Kind.UNALLOCATED;
import static org.glanceconvert.image.Extent.Kind.ZERO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.glanceconvert.image.SparseFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockCopierTest {
    private static final int BLOCK = 64 * 1024;

    @TempDir
    Path dir;

    /** 1 MiB: data in blocks 0, 1 (all zero but stored) and 3, a zero extent over 2, a hole after 4. */
    private static byte[] content() {
        byte[] content = new byte[1 << 20];
        new Random(3).nextBytes(content);
        Arrays.fill(content, BLOCK, 3 * BLOCK, (byte) 0);
        Arrays.fill(content, 3 * BLOCK + 4096, 3 * BLOCK + 8192, (byte) 0);
        Arrays.fill(content, 4 * BLOCK, content.length, (byte) 0);
        return content;
    }

    private static ExtentListDisk disk(byte[] content) {
        return new ExtentListDisk(content, ExtentListDisk.map(DATA, 2 * BLOCK, ZERO, BLOCK, DATA, BLOCK + 100,
                UNALLOCATED, content.length - 4 * BLOCK - 100));
    }

    @Test
    void placesEachBlockHoldingDataOnceInOrderAndSkipsZeros() throws IOException {
        byte[] content = content();
        List<Long> placed = new ArrayList<>();
        Path file = dir.resolve("placed");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long[] progress = {0};
            // Blocks go back to back in the order they are placed, after 4 KiB of "header".
            BlockCopier.placed(BLOCK, block -> {
                placed.add(block);
                return 4096 + (placed.size() - 1L) * BLOCK;
            }).copy(disk(content), out, 3, bytes -> progress[0] += bytes);
            assertEquals(content.length, progress[0]);
        }
        assertEquals(List.of(0L, 3L), placed, "the all-zero block 1 and the zero block 2 are never placed");
        byte[] written = Files.readAllBytes(file);
        assertEquals(4096 + 2 * BLOCK, written.length, "nothing is written after the last data");
        assertArrayEquals(Arrays.copyOfRange(content, 0, BLOCK), Arrays.copyOfRange(written, 4096, 4096 + BLOCK));
        assertArrayEquals(Arrays.copyOfRange(content, 3 * BLOCK, 4 * BLOCK),
                Arrays.copyOfRange(written, 4096 + BLOCK, 4096 + 2 * BLOCK));
    }

    @Test
    void inPlaceCopiesEveryByteAtItsOffsetAndLeavesHoles() throws IOException {
        byte[] content = content();
        Path file = dir.resolve("raw");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            BlockCopier.inPlace(8192).copy(disk(content), out, 2, bytes -> { });
            ChannelWrites.setLength(out, 8192 + content.length);
        }
        byte[] written = Files.readAllBytes(file);
        assertArrayEquals(content, Arrays.copyOfRange(written, 8192, written.length));
        long allocated = SparseFiles.allocatedBytes(file);
        assertTrue(allocated < 0 || allocated <= 3L * BLOCK, "zeros stay holes: " + allocated);
    }

    @Test
    void runsAreCutAtBlockBoundaries() throws IOException {
        byte[] content = new byte[3 * 4096 + 10];
        Arrays.fill(content, (byte) 1);
        List<String> runs = new ArrayList<>();
        new ChunkPipeline(new ExtentListDisk(content, ExtentListDisk.map(DATA, content.length)),
                ChunkPipeline.Settings.of(4096, 1, true)).run(() -> c -> null, (Chunk chunk, Object r) ->
                chunk.forEachDataRun(8192, (start, bytes) -> runs.add(start + "+" + bytes.remaining())), bytes -> { });
        assertEquals(List.of("0+8192", "8192+4106"), runs, "cut at 8192, and none past the disk's end");
    }

    @Test
    void blockSizesMustHoldWholeGranules() {
        assertThrows(IllegalArgumentException.class, () -> BlockCopier.placed(1000, b -> 0));
    }
}
