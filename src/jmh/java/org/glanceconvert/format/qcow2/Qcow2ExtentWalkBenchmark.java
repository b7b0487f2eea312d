package org.glanceconvert.format.qcow2;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.bench.SyntheticDisk;
import org.glanceconvert.convert.Span;
import org.glanceconvert.convert.SpanPlanner;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.ExtentCursor;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The qcow2 reader's L2 lookups: walking the allocation map of a 1 GiB image in which every other
 * 64 KiB cluster is allocated (the worst case for run merging: 8192 data extents, 16 L2 tables),
 * as {@code map} and the conversion planner do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Qcow2ExtentWalkBenchmark {
    private Path file;
    private FileByteSource source;
    private VirtualDisk disk;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("jmh-extents", ".qcow2");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            new Qcow2Writer().write(new SyntheticDisk(1L << 30, 64 << 10, 2), out,
                    new WriteOptions(Map.of(), false, 2), WriteProgress.NONE);
        }
        source = FileByteSource.open(file);
        disk = DiskFormats.byName("qcow2").orElseThrow().open(source, Limits.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        disk.close();
        source.close();
        Files.deleteIfExists(file);
    }

    /** Every extent, as {@code map} reports them. */
    @Benchmark
    public long walkExtents() throws IOException {
        ExtentCursor cursor = disk.extents(0);
        long n = 0;
        while (cursor.next() != null) {
            n++;
        }
        return n;
    }

    /** The conversion planner's spans over the same map. */
    @Benchmark
    public long planSpans() throws IOException {
        SpanPlanner planner = new SpanPlanner(disk, 64 << 10);
        long n = 0;
        for (Span s = planner.next(); s != null; s = planner.next()) {
            n++;
        }
        return n;
    }
}
