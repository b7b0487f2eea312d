package org.glanceconvert.convert;

import static org.glanceconvert.image.Extent.Kind.DATA;
import static org.glanceconvert.image.Extent.Kind.UNALLOCATED;
import static org.glanceconvert.image.Extent.Kind.ZERO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.ForwardingDisk;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.VirtualDisk;
import org.junit.jupiter.api.Test;

class ChunkPipelineTest {

    @Test
    void reassemblesTheDiskInOrderReadsOnlyDataAndMarksZeroGranules() throws IOException {
        int granule = 4096;
        // data 0-300k (with a zero granule inside), hole 300k-5M, data 5M-5M+100k that is all zero, hole, data tail
        byte[] content = new byte[8 << 20];
        new Random(5).nextBytes(content);
        Arrays.fill(content, 8 * granule, 9 * granule, (byte) 0);
        Arrays.fill(content, 5 << 20, (5 << 20) + 100 * 1024, (byte) 0);
        List<Extent> map = ExtentListDisk.map(DATA, 300 * 1024, ZERO, (5 << 20) - 300 * 1024, DATA, 100 * 1024,
                UNALLOCATED, (3 << 20) - 100 * 1024 - 12345, DATA, 12345);
        ExtentListDisk disk = new ExtentListDisk(content, map);
        ReadRecorder recorded = new ReadRecorder(disk);

        byte[] rebuilt = new byte[content.length];
        List<Long> starts = new ArrayList<>();
        long[] progress = {0};
        ChunkPipeline pipeline = new ChunkPipeline(recorded, new ChunkPipeline.Settings(granule, 64 * 1024, 3, 4, true));
        pipeline.run(() -> chunk -> chunk.start(), (Chunk chunk, Long encodedStart) -> {
            starts.add(chunk.start());
            if (chunk.isHole()) {
                return;
            }
            assertEquals(chunk.start(), encodedStart);
            chunk.data().get(rebuilt, (int) chunk.start(), (int) chunk.length());
            for (int i = 0; i < chunk.granules(); i++) {
                long at = chunk.start() + (long) i * granule;
                boolean zero = true;
                for (int j = 0; j < chunk.granuleLength(i); j++) {
                    zero &= content[(int) at + j] == 0;
                }
                assertEquals(zero, chunk.isZeroGranule(i), "granule at " + at);
                assertEquals(granule, chunk.granule(i).remaining());
            }
        }, bytes -> progress[0] += bytes);

        assertArrayEquals(expectedContent(content, map), rebuilt);
        assertEquals(content.length, progress[0]);
        List<Long> sorted = new ArrayList<>(starts);
        sorted.sort(null);
        assertEquals(sorted, starts, "chunks delivered in disk order");
        long dataBytes = map.stream().filter(e -> e.kind() == DATA).mapToLong(e -> ((e.length() + 4095) / 4096) * 4096).sum();
        assertTrue(recorded.bytesRead.get() <= dataBytes + 2 * granule, "read " + recorded.bytesRead + " of " + dataBytes);
        assertTrue(recorded.holeReads.get() == 0, "holes are never read");
    }

    @Test
    void theLastGranuleIsPaddedWithZeros() throws IOException {
        byte[] content = new byte[5000];
        Arrays.fill(content, (byte) 7);
        ExtentListDisk disk = new ExtentListDisk(content, ExtentListDisk.map(DATA, 5000));
        List<ByteBuffer> last = new ArrayList<>();
        new ChunkPipeline(disk, ChunkPipeline.Settings.of(4096, 1, true)).run(() -> c -> null,
                (Chunk chunk, Object r) -> {
                    assertEquals(2, chunk.granules());
                    assertEquals(5000 - 4096, chunk.granuleLength(1));
                    ByteBuffer g = chunk.granule(1);
                    ByteBuffer copy = ByteBuffer.allocate(g.remaining()).put(g).flip();
                    last.add(copy);
                    assertFalse(chunk.isZeroGranule(1));
                }, bytes -> { });
        ByteBuffer g = last.get(0);
        for (int i = 0; i < 4096; i++) {
            assertEquals(i < 5000 - 4096 ? 7 : 0, g.get(i), "byte " + i);
        }
    }

    @Test
    void aCorruptSourceStopsTheConversionWithItsCheck() {
        byte[] content = new byte[1 << 20];
        VirtualDisk failing = new ReadRecorder(new ExtentListDisk(content, ExtentListDisk.map(DATA, 1 << 20))) {
            @Override
            public void read(long offset, ByteBuffer dst) throws IOException {
                if (offset >= 512 * 1024) {
                    throw new ImageFormatException(Check.QCOW2_DATA_CLUSTER, "L2 entry points past EOF");
                }
                super.read(offset, dst);
            }
        };
        ImageFormatException e = assertThrows(ImageFormatException.class, () ->
                new ChunkPipeline(failing, new ChunkPipeline.Settings(4096, 64 * 1024, 2, 3, true))
                        .run(() -> c -> null, (Chunk c, Object r) -> { }, b -> { }));
        assertEquals(Check.QCOW2_DATA_CLUSTER, e.check());
    }

    @Test
    void turnsAreTakenInDiskOrderWhateverOrderTheWorkersFinishReadingIn() throws IOException {
        byte[] content = new byte[4 << 20];
        new Random(9).nextBytes(content);
        ExtentListDisk disk = new ExtentListDisk(content,
                ExtentListDisk.map(DATA, 1 << 20, UNALLOCATED, 1 << 20, DATA, 2 << 20));
        List<Long> turns = java.util.Collections.synchronizedList(new ArrayList<>());
        Random jitter = new Random(3);
        new ChunkPipeline(disk, new ChunkPipeline.Settings(4096, 64 * 1024, 3, 8, true)).run(() -> chunk -> {
            int sleep;
            synchronized (jitter) {
                sleep = jitter.nextInt(3);
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            chunk.inTurn(() -> turns.add(chunk.start()));
            return null;
        }, (Chunk chunk, Object r) -> { }, b -> { });
        List<Long> expected = new ArrayList<>();
        for (long at = 0; at < (1 << 20); at += 64 * 1024) {
            expected.add(at);
        }
        for (long at = 2 << 20; at < (4 << 20); at += 64 * 1024) {
            expected.add(at);
        }
        assertEquals(expected, turns);
    }

    @Test
    void aChunkThatFailsBeforeItsTurnDoesNotHoldUpTheOthers() {
        byte[] content = new byte[2 << 20];
        VirtualDisk failing = new ReadRecorder(new ExtentListDisk(content, ExtentListDisk.map(DATA, 2 << 20))) {
            @Override
            public void read(long offset, ByteBuffer dst) throws IOException {
                if (offset == 512 * 1024) {
                    throw new IOException("bad sector");
                }
                super.read(offset, dst);
            }
        };
        IOException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> assertThrows(IOException.class, () ->
                        new ChunkPipeline(failing, new ChunkPipeline.Settings(4096, 64 * 1024, 2, 6, true))
                                .run(() -> c -> {
                                    c.inTurn(() -> { });
                                    return null;
                                }, (Chunk c, Object r) -> { }, b -> { })));
        assertTrue(e.getMessage().contains("bad sector"), e.getMessage());
    }

    @Test
    void aChunkThatFailsInItsTurnStopsTheConversion() {
        byte[] content = new byte[2 << 20];
        ExtentListDisk disk = new ExtentListDisk(content, ExtentListDisk.map(DATA, 2 << 20));
        IOException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> assertThrows(IOException.class, () ->
                        new ChunkPipeline(disk, new ChunkPipeline.Settings(4096, 64 * 1024, 2, 6, true))
                                .run(() -> c -> {
                                    c.inTurn(() -> {
                                        if (c.start() == 768 * 1024) {
                                            throw new IOException("no space left");
                                        }
                                    });
                                    return null;
                                }, (Chunk c, Object r) -> { }, b -> { })));
        assertTrue(e.getMessage().contains("no space left"), e.getMessage());
    }

    private static byte[] expectedContent(byte[] content, List<Extent> map) {
        byte[] expected = content.clone();
        for (Extent e : map) {
            if (e.kind() != DATA) {
                Arrays.fill(expected, (int) e.start(), (int) e.end(), (byte) 0);
            }
        }
        return expected;
    }

    /** Counts what is read, and reads that fall entirely inside ranges the map calls holes. */
    static class ReadRecorder extends ForwardingDisk {
        final AtomicLong bytesRead = new AtomicLong();
        final AtomicLong holeReads = new AtomicLong();

        ReadRecorder(VirtualDisk disk) {
            super(disk);
        }

        @Override
        public void read(long offset, ByteBuffer dst) throws IOException {
            long end = offset + dst.remaining();
            boolean touchesData = false;
            ExtentCursor c = disk.extents(offset);
            for (Extent e = c.next(); e != null && e.start() < end; e = c.next()) {
                touchesData |= e.kind() == DATA;
            }
            if (!touchesData) {
                holeReads.incrementAndGet();
            }
            bytesRead.addAndGet(dst.remaining());
            disk.read(offset, dst);
        }
    }
}
