package org.glanceconvert.format.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.VirtualDisk;
import org.junit.jupiter.api.Test;

class WriterOutputTest {

    /** A disk given by extents and a content function; counts the bytes read. */
    private static final class ScriptedDisk implements VirtualDisk {
        private final List<Extent> extents;
        private final long size;
        private final java.util.function.LongUnaryOperator content;
        final AtomicLong bytesRead = new AtomicLong();

        ScriptedDisk(java.util.function.LongUnaryOperator content, Extent... extents) {
            this(extents[extents.length - 1].end(), content, extents);
        }

        ScriptedDisk(long size, java.util.function.LongUnaryOperator content, Extent... extents) {
            this.extents = List.of(extents);
            this.size = size;
            this.content = content;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public ExtentCursor extents(long offset) {
            var it = extents.stream().filter(e -> e.end() > offset).iterator();
            return () -> it.hasNext() ? it.next() : null;
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            bytesRead.addAndGet(dst.remaining());
            long pos = offset;
            while (dst.hasRemaining()) {
                dst.put((byte) content.applyAsLong(pos++));
            }
        }

        @Override
        public void close() {
        }
    }

    @Test
    void nonZeroChunksSkipsHolesWithoutReadingAndDropsZeroData() throws IOException {
        long k = 1024;
        ScriptedDisk disk = new ScriptedDisk(
                pos -> (pos < 100 * k || pos == 1100 * k - 1) ? 7 : 0,
                Extent.data(0, 100 * k, 0),
                Extent.zero(100 * k, 900 * k),
                Extent.data(1000 * k, 64 * k, -1),          // stored, but zeros
                Extent.unallocated(1064 * k, 35 * k),
                Extent.data(1099 * k, k, -1));               // last byte non-zero, partial chunk
        List<Long> offsets = new ArrayList<>();
        AtomicLong progress = new AtomicLong();
        NonZeroChunks chunks = new NonZeroChunks(disk, 64 * (int) k, progress::addAndGet);
        byte[] buf = new byte[64 * (int) k];
        for (long o = chunks.next(buf); o >= 0; o = chunks.next(buf)) {
            offsets.add(o);
            if (o == 1088 * k) {
                assertEquals(7, buf[(int) (12 * k - 1)]);
                assertTrue(ZeroBytes.isZero(buf, (int) (12 * k), (int) (52 * k)), "tail past the disk is zero");
            }
        }
        assertEquals(List.of(0L, 64 * k, 1088 * k), offsets);
        assertEquals(disk.size(), progress.get());
        // Two chunks at the start, the 1000K..1064K data chunk (a grain of zeros) plus its
        // neighbour 960K (read because the chunk is aligned), and the partial last chunk.
        assertTrue(disk.bytesRead.get() <= 5 * 64 * k, "read " + disk.bytesRead.get());
    }

    @Test
    void rangesTheExtentsDoNotCoverAreReadNotLost() throws IOException {
        long k = 1024;
        ScriptedDisk disk = new ScriptedDisk(256 * k, pos -> pos == 200 * k || pos == 100 * k ? 1 : 0,
                Extent.unallocated(0, 64 * k),
                Extent.unallocated(128 * k, 32 * k));   // a gap before it, nothing after it
        List<Long> offsets = new ArrayList<>();
        NonZeroChunks chunks = new NonZeroChunks(disk, 64 * (int) k, bytes -> { });
        byte[] buf = new byte[64 * (int) k];
        for (long o = chunks.next(buf); o >= 0; o = chunks.next(buf)) {
            offsets.add(o);
        }
        assertEquals(List.of(64 * k, 192 * k), offsets);
    }

    @Test
    void orderedEncoderKeepsSubmissionOrder() throws IOException {
        for (int threads : new int[] {1, 4}) {
            List<Integer> seen = new ArrayList<>();
            try (OrderedParallelEncoder<Integer> enc = new OrderedParallelEncoder<>("t", threads, seen::add)) {
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    enc.submit(() -> {
                        Thread.sleep(ThreadLocalRandom.current().nextInt(2));
                        return n;
                    });
                }
                enc.finish();
            }
            for (int i = 0; i < 200; i++) {
                assertEquals(i, seen.get(i));
            }
        }
    }

    @Test
    void orderedEncoderPassesFailuresOn() {
        for (int threads : new int[] {1, 3}) {
            IOException e = assertThrows(IOException.class, () -> {
                try (OrderedParallelEncoder<Integer> enc = new OrderedParallelEncoder<>("t", threads, r -> { })) {
                    enc.submit(() -> 1);
                    enc.submit(() -> {
                        throw new IOException("boom");
                    });
                    enc.finish();
                }
            });
            assertEquals("boom", e.getMessage());
        }
    }

    @Test
    void sequentialOutputCountsPadsAndPassesLargeWritesThrough() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SequentialOutput out = new SequentialOutput(Channels.newChannel(sink), 1024);
        out.write(new byte[] {1, 2, 3});
        out.padTo(512);
        assertEquals(512, out.position());
        byte[] big = new byte[5000];
        big[4999] = 9;
        out.write(big);
        out.writeZeros(3000);
        out.write(new byte[] {4});
        out.flush();
        byte[] all = sink.toByteArray();
        assertEquals(512 + 5000 + 3000 + 1, all.length);
        assertEquals(out.position(), all.length);
        assertEquals(3, all[2]);
        assertEquals(9, all[512 + 4999]);
        assertEquals(4, all[all.length - 1]);
        assertTrue(ZeroBytes.isZero(all, 3, 509));
    }

    @Test
    void zeroBytesLooksAtEveryByte() {
        byte[] b = new byte[200_000];
        assertTrue(ZeroBytes.isZero(b, 0, b.length));
        b[199_999] = 1;
        assertFalse(ZeroBytes.isZero(b, 0, b.length));
        assertTrue(ZeroBytes.isZero(b, 0, 199_999));
        assertArrayEquals(new byte[0], new byte[0]);
    }
}
