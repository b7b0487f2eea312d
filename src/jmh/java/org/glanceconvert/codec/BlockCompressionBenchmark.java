package org.glanceconvert.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.bench.SyntheticDisk;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU one worker spends per block: 16 MiB of data that deflates about 3:1, compressed as
 * 64 KiB qcow2 clusters (room {@code cluster_size - 1}), by the native codecs and by the
 * pure-Java fallbacks. Score in ms per 16 MiB, one thread; the compressed size is printed at the
 * end of each trial so a faster codec cannot hide a worse ratio.
 *
 * <p>The synthetic data (short random words) is not like a real file system's; with
 * {@code -jvmArgsAppend -Dbench.file=bench/work/2G/base.raw} the blocks are instead the first
 * 16 MiB of non-zero 64 KiB blocks after 200 MiB of that file (the image bench/run.sh builds).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BlockCompressionBenchmark {
    private static final int SIZE = 16 << 20;
    private static final int BLOCK = 65536;

    @Param({"deflate", "zstd"})
    String codec;

    @Param({"native", "java"})
    String implementation;

    private final ByteBuffer data = ByteBuffer.allocateDirect(SIZE);
    private final ByteBuffer out = ByteBuffer.allocateDirect(BLOCK);
    private DeflateEncoder deflate;
    private ZstdEncoder zstd;
    private long lastBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String file = System.getProperty("bench.file");
        if (file == null) {
            new SyntheticDisk(SIZE, 1 << 20, 1).read(0, data);
        } else {
            readNonZeroBlocks(java.nio.file.Path.of(file));
        }
        data.flip();
        System.setProperty(NativeCodecs.PROPERTY, String.valueOf(implementation.equals("native")));
        if (codec.equals("deflate")) {
            deflate = DeflateEncoder.open(DeflateEncoder.Framing.RAW, 6);
        } else {
            zstd = ZstdEncoder.open(3);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.printf("%n%s by %s: %d of %d bytes (%.3f)%n", codec,
                deflate != null ? deflate.implementation() : zstd.implementation(), lastBytes, SIZE,
                (double) lastBytes / SIZE);
        if (deflate != null) {
            deflate.close();
        } else {
            zstd.close();
        }
    }

    private void readNonZeroBlocks(java.nio.file.Path file) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
            for (long at = 200L << 20; data.hasRemaining() && at + BLOCK <= ch.size(); at += BLOCK) {
                block.clear();
                while (block.hasRemaining() && ch.read(block, at + block.position()) > 0) {
                    // fill the block
                }
                block.flip();
                if (org.glanceconvert.image.Zeros.isZero(block)) {
                    continue;
                }
                data.put(block);
            }
        }
    }

    @Benchmark
    public long compress() {
        long bytes = 0;
        for (int at = 0; at < SIZE; at += BLOCK) {
            ByteBuffer block = data.slice(at, BLOCK);
            out.clear().limit(BLOCK - 1);
            int n = deflate != null ? deflate.compress(block, out) : zstd.compress(block, out);
            bytes += n < 0 ? BLOCK : n;
        }
        lastBytes = bytes;
        return bytes;
    }
}
