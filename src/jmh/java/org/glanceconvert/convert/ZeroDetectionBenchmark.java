package org.glanceconvert.convert;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Zero detection on a pipeline chunk (4 MiB): the scan every data chunk gets on a worker, per
 * 4 KiB granule (raw, VHD, VHDX output) or 64 KiB cluster (qcow2, vmdk). All-zero chunks are the
 * worst case (every byte is looked at); data usually stops a granule's scan at its first bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ZeroDetectionBenchmark {
    private static final int CHUNK = 4 << 20;

    @Param({"4096", "65536"})
    int granule;

    /** zero: all zero; tail: zero but the last byte of each granule; data: no zero granule. */
    @Param({"zero", "tail", "data"})
    String content;

    private ByteBuffer buffer;

    @Setup
    public void setUp() {
        buffer = ByteBuffer.allocateDirect(CHUNK);
        for (int g = 0; g < CHUNK; g += granule) {
            if (content.equals("tail")) {
                buffer.put(g + granule - 1, (byte) 1);
            } else if (content.equals("data")) {
                for (int i = 0; i < granule; i += 512) {
                    buffer.put(g + i, (byte) (i | 1));
                }
            }
        }
    }

    /** One chunk's scan; the result is the number of zero granules. Throughput x 4 MiB = bytes/s. */
    @Benchmark
    public int scanChunk() {
        Chunk chunk = Chunk.data(0, CHUNK, granule, buffer);
        chunk.prepare(true);
        int zero = 0;
        for (int i = 0; i < chunk.granules(); i++) {
            if (chunk.isZeroGranule(i)) {
                zero++;
            }
        }
        return zero;
    }
}
