package org.glanceconvert.format.qcow2;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.bench.SyntheticDisk;
import org.glanceconvert.convert.BufferPool;
import org.glanceconvert.convert.Chunk;
import org.glanceconvert.convert.ChunkPipeline;
import org.glanceconvert.convert.EncodedChunk;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
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
 * Compressing and decompressing qcow2 clusters through the ordered worker pool, as {@code convert
 * -c} and a compressed source do: 64 MiB of data that deflates about 3:1, 64 KiB clusters, with 1
 * or 2 worker threads, compressing natively or in pure Java. Score in ms per 64 MiB; the file I/O
 * is page-cached.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Qcow2CodecBenchmark {
    private static final long SIZE = 64L << 20;

    @Param({"zlib", "zstd"})
    String compression;

    @Param({"1", "2"})
    int threads;

    /** Compressing by libdeflate/libzstd or by the pure-Java fallbacks (decompressing is Java either way). */
    @Param({"native", "java"})
    String codecs;

    private final VirtualDisk data = new SyntheticDisk(SIZE, 1 << 20, 1);
    private Qcow2WriteSettings settings;
    private Path file;
    private FileByteSource source;
    private VirtualDisk compressed;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        System.setProperty(org.glanceconvert.codec.NativeCodecs.PROPERTY, String.valueOf(codecs.equals("native")));
        WriteOptions options = new WriteOptions(Map.of("compression_type", compression), true, threads);
        settings = Qcow2WriteSettings.from(options);
        file = Files.createTempFile("jmh-codec", ".qcow2");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            new Qcow2Writer().write(data, out, options, WriteProgress.NONE);
        }
        source = FileByteSource.open(file);
        compressed = DiskFormats.byName("qcow2").orElseThrow().open(source, Limits.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        compressed.close();
        source.close();
        Files.deleteIfExists(file);
    }

    /** Every cluster compressed on the workers, handed over in order (and dropped). */
    @Benchmark
    public long compress() throws IOException {
        ChunkPipeline.Settings s = ChunkPipeline.Settings.of(settings.clusterSize(), threads, true);
        BufferPool out = new BufferPool(s.chunkBytes());
        long[] bytes = {0};
        new ChunkPipeline(data, s).run(() -> new Qcow2ChunkCompressor(settings, out),
                (Chunk chunk, EncodedChunk result) -> {
                    if (result != null) {
                        bytes[0] += result.bytes().position();
                        out.release(result.bytes());
                    }
                }, WriteProgress.NONE);
        return bytes[0];
    }

    /** Every compressed cluster read and inflated on the workers, handed over in order. */
    @Benchmark
    public long decompress() throws IOException {
        ChunkPipeline.Settings s = ChunkPipeline.Settings.of(settings.clusterSize(), threads, false);
        long[] bytes = {0};
        new ChunkPipeline(compressed, s).run(() -> chunk -> null,
                (Chunk chunk, Object ignored) -> bytes[0] += chunk.length(), WriteProgress.NONE);
        return bytes[0];
    }
}
