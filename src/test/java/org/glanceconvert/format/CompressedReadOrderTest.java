package org.glanceconvert.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.testing.FileDisk;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compressed sources read in any order and by several threads at once, as the conversion workers
 * and {@code compare} read them: whole clusters inflated in place, pieces of clusters through the
 * cache, vmdk grains through each thread's window of file bytes. Every read must give the bytes
 * qemu-img compressed, whatever was read before it.
 */
class CompressedReadOrderTest {
    private static final int SIZE = 6 << 20;

    @TempDir
    static Path dir;
    static Path raw;
    static byte[] expected;

    @BeforeAll
    static void image() throws IOException {
        QemuImg.assumeAvailable();
        raw = TestImages.compressibleRaw(dir.resolve("source.raw"), SIZE, 11);
        expected = java.nio.file.Files.readAllBytes(raw);
    }

    @ParameterizedTest
    @CsvSource({
        "vmdk, subformat=streamOptimized, ",
        "qcow2, compression_type=zlib, -c",
        "qcow2, compression_type=zstd, -c",
    })
    void readsTheSameBytesInAnyOrderFromSeveralThreads(String format, String options, String flag) throws Exception {
        Path image = dir.resolve(format + "-" + options.replace('=', '-') + "." + format);
        if (flag == null) {
            QemuImg.convert(raw, "raw", image, format, options);
        } else {
            QemuImg.convert(raw, "raw", image, format, options, flag);
        }
        DiskFormat reader = DiskFormats.byName(format).orElseThrow();
        try (FileDisk disk = FileDisk.open(image, reader)) {
            List<long[]> reads = new ArrayList<>();
            Random random = new Random(5);
            for (long at = 0; at < SIZE; at += 64 << 10) {
                reads.add(new long[] {at, 64 << 10});                      // whole clusters and grains
            }
            for (int i = 0; i < 200; i++) {
                long at = random.nextInt(SIZE - 300_000);
                reads.add(new long[] {at, 1 + random.nextInt(300_000)});   // pieces across them
            }
            Collections.shuffle(reads, random);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    int first = t;
                    done.add(pool.submit(() -> {
                        for (int i = first; i < reads.size(); i += 3) {
                            check(disk, reads.get(i)[0], (int) reads.get(i)[1], i % 2 == 0);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void check(VirtualDisk disk, long at, int length, boolean direct) throws IOException {
        ByteBuffer dst = direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
        disk.read(at, dst);
        assertEquals(length, dst.position(), "read filled the buffer");
        dst.flip();
        ByteBuffer want = ByteBuffer.wrap(expected, (int) at, length);
        assertEquals(-1, dst.mismatch(want), "bytes at " + at + "+" + length);
    }
}
