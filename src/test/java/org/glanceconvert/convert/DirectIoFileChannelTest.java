package org.glanceconvert.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectIoFileChannelTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    @BeforeEach
    void needsDirectIo() throws IOException {
        Assumptions.assumeTrue(TestImages.directIoSupported(dir), "the temporary directory's file system has no direct I/O");
    }

    @Test
    void alignedBulkWritesGoDirectAndTheRestThroughThePageCache() throws IOException {
        Path file = dir.resolve("out");
        try (AtomicOutputFile out = AtomicOutputFile.create(file, WriteCache.NONE)) {
            DirectIoFileChannel channel = (DirectIoFileChannel) out.channel();
            ByteBuffer aligned = BufferPool.allocate(4 * BLOCK);
            assertTrue(channel.aligned(aligned, 8 * BLOCK));
            assertFalse(channel.aligned(aligned, 8 * BLOCK + 512), "position");
            assertFalse(channel.aligned(aligned.duplicate().limit(BLOCK + 512), 0), "length");
            assertFalse(channel.aligned(aligned.duplicate().position(512).limit(BLOCK + 512), 0), "address");
            assertFalse(channel.aligned(ByteBuffer.allocate(BLOCK), 0), "heap buffer");
            assertFalse(channel.aligned(aligned.duplicate().limit(0), 0), "nothing to write");

            ChannelWrites.writeFully(channel, aligned.duplicate(), 8 * BLOCK);
            assertEquals(4 * BLOCK, channel.directBytes());
            ChannelWrites.writeFully(channel, ByteBuffer.wrap(new byte[100]), 3);
            ChannelWrites.writeFully(channel, ByteBuffer.allocate(BLOCK), 0);
            assertEquals(4 * BLOCK, channel.directBytes(), "unaligned and heap writes go through the page cache");
        }
    }

    /**
     * Tables and data of one file written both ways, overwriting each other in every order, read
     * back exactly: the kernel keeps the cached and the direct view of the file coherent.
     */
    @Test
    void mixedWritesReadBackExactly() throws IOException {
        Path file = dir.resolve("mixed");
        Random random = new Random(7);
        byte[] expected = new byte[64 * BLOCK];
        try (AtomicOutputFile out = AtomicOutputFile.create(file, WriteCache.NONE)) {
            FileChannel channel = out.channel();
            for (int i = 0; i < 400; i++) {
                boolean direct = random.nextBoolean();
                int length = direct ? BLOCK * (1 + random.nextInt(4)) : 1 + random.nextInt(3 * BLOCK);
                int position = direct ? BLOCK * random.nextInt(60) : random.nextInt(expected.length - length);
                byte[] data = new byte[length];
                random.nextBytes(data);
                ByteBuffer src = direct ? BufferPool.allocate(length).put(data).flip() : ByteBuffer.wrap(data);
                ChannelWrites.writeFully(channel, src, position);
                System.arraycopy(data, 0, expected, position, length);
                if (i % 50 == 49) {
                    assertArrayEquals(expected, readAll(channel, expected.length), "after write " + i);
                }
            }
            assertTrue(((DirectIoFileChannel) channel).directBytes() > 0);
            out.commit(true);
        }
        byte[] onDisk = Files.readAllBytes(file);
        assertArrayEquals(expected, Arrays.copyOf(onDisk, expected.length));
    }

    @Test
    void writebackKeepsThePlainChannel() throws IOException {
        try (AtomicOutputFile out = AtomicOutputFile.create(dir.resolve("plain"), WriteCache.WRITEBACK)) {
            assertFalse(out.channel() instanceof DirectIoFileChannel);
        }
    }

    private static byte[] readAll(FileChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
            // read until full
        }
        return buffer.array();
    }
}
