package org.glanceconvert.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.format.vhd.VhdSamples;
import org.glanceconvert.format.vhdx.VhdxSamples;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;

/**
 * Jazzer fuzz targets (issue 8): each reader — inspect, check, open, an extent walk and reads —
 * and the inspector with every format behind it. Findings: any exception other than the
 * project's own format error ({@link ImageFormatException}, exit 1) or an {@link EOFException}
 * (a structure past the end: the CLI says {@code format.truncated}, exit 1); any
 * OutOfMemoryError (the fuzz JVM has {@code -Xmx256m}); any input taking over a second
 * (libFuzzer's {@code -timeout=1}); an extent walk that is not contiguous or leaves the disk.
 *
 * <p>{@code mvn test} replays the inputs under
 * {@code src/test/resources/org/glanceconvert/fuzz/FormatFuzzTestInputs/<target>/}: the seeds
 * {@link FuzzSeeds} writes and every finding fixed so far. Fuzzing for real, one target per run:
 * {@code mvn -Pfuzz test -Dfuzz.test=FormatFuzzTest#qcow2 -Dfuzz.seconds=600} (README, "Reliability").
 */
class FormatFuzzTest {
    /** The limits the commands use by default. */
    private static final Limits LIMITS = Limits.DEFAULT;
    /** An extent walk stops here: a legitimate 16 TiB disk of small blocks has billions. */
    private static final int MAX_EXTENTS = 4096;
    /** Bytes read per input, spread over the data extents. */
    private static final int MAX_READ = 1 << 20;
    /**
     * Replaying stored inputs, an input may take this long (a cold JVM loads and JIT-compiles the
     * readers on the first ones). Fuzzing, libFuzzer's {@code -timeout=1} (pom.xml) holds every
     * input to a second, hangs included.
     */
    private static final long SLOW_NANOS = 10_000_000_000L;

    @FuzzTest
    void qcow2(byte[] data) throws IOException {
        exercise("qcow2", new MemoryByteSource("fuzz.qcow2", data));
    }

    @FuzzTest
    void vmdk(byte[] data) throws IOException {
        exercise("vmdk", new MemoryByteSource("fuzz.vmdk", data));
    }

    /** The input as it is, then with its checksums made right so that mutations get past them. */
    @FuzzTest
    void vhd(byte[] data) throws IOException {
        exercise("vhd", new MemoryByteSource("fuzz.vhd", data));
        byte[] sealed = data.clone();
        VhdSamples.sealChecksums(sealed);
        if (!Arrays.equals(sealed, data)) {
            exercise("vhd", new MemoryByteSource("fuzz.vhd", sealed));
        }
    }

    /**
     * VHDX structures sit 1 MiB apart: the input is an {@link OverlaySource} encoding. As for
     * VHD, it is tried as it is and with its header and region table CRCs made right.
     */
    @FuzzTest
    void vhdx(byte[] data) throws IOException {
        OverlaySource source = OverlaySource.decode(data);
        exercise("vhdx", source);
        byte[] prefix = new byte[(int) Math.min(source.size(), VhdxSamples.CHECKSUMMED_PREFIX)];
        source.readFully(0, ByteBuffer.wrap(prefix));
        byte[] sealed = prefix.clone();
        VhdxSamples.sealChecksums(sealed);
        if (!Arrays.equals(sealed, prefix)) {
            exercise("vhdx", source.patched(0, sealed));
        }
    }

    @FuzzTest
    void vdi(byte[] data) throws IOException {
        exercise("vdi", new MemoryByteSource("fuzz.vdi", data));
    }

    /** Every signature, partition tables and ISO included, then the reader of what was found. */
    @FuzzTest
    void inspector(byte[] data) throws IOException {
        long start = System.nanoTime();
        ByteSource source = new MemoryByteSource("fuzz", data);
        InspectionReport report = new Inspector(LIMITS).inspect(source, "fuzz");
        if (report.safe()) {
            DiskFormat format = DiskFormats.byName(report.format()).orElse(null);
            if (format != null) {
                refusedCleanly(() -> {
                    format.check(source, LIMITS);
                });
                refusedCleanly(() -> {
                    try (VirtualDisk disk = format.open(source, LIMITS)) {
                        walkAndRead(disk);
                    }
                });
            }
        }
        assertFast(start);
    }

    private static void exercise(String name, ByteSource source) throws IOException {
        long start = System.nanoTime();
        DiskFormat format = DiskFormats.byName(name).orElseThrow();
        refusedCleanly(() -> format.matches(source));
        refusedCleanly(() -> format.inspect(source, LIMITS));
        refusedCleanly(() -> format.check(source, LIMITS));
        refusedCleanly(() -> {
            try (VirtualDisk disk = format.open(source, LIMITS)) {
                walkAndRead(disk);
            }
        });
        assertFast(start);
    }

    /** Walks the extents (bounded) and reads the start of each, the disk's first and last bytes. */
    private static void walkAndRead(VirtualDisk disk) throws IOException {
        long size = disk.size();
        if (size < 0) {
            throw new AssertionError("negative virtual size " + size);
        }
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        long budget = MAX_READ;
        ExtentCursor cursor = disk.extents(0);
        long expected = 0;
        Extent e;
        for (int n = 0; n < MAX_EXTENTS && (e = cursor.next()) != null; n++) {
            if (e.start() != expected || e.length() <= 0 || e.start() + e.length() > size) {
                throw new AssertionError("extent " + e + " after " + expected + " in a disk of " + size);
            }
            expected = e.start() + e.length();
            if (e.kind() == Extent.Kind.DATA && budget > 0) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), e.length()));
                budget -= buffer.remaining();
                disk.read(e.start(), buffer);
            }
        }
        if (size > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), size));
            disk.read(0, buffer);
            buffer.clear().limit((int) Math.min(buffer.capacity(), size));
            disk.read(size - buffer.remaining(), buffer);
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    /** Runs {@code step}; the project's own refusals are the expected outcome, anything else escapes. */
    private static void refusedCleanly(Step step) throws IOException {
        try {
            step.run();
        } catch (ImageFormatException | EOFException refused) {
            // a clean refusal: exit 1 with a check id
        }
    }

    private static void assertFast(long start) {
        long elapsed = System.nanoTime() - start;
        if (elapsed > SLOW_NANOS) {
            throw new AssertionError("one input took " + elapsed / 1_000_000 + " ms");
        }
    }
}
