package org.glanceconvert.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.glanceconvert.cli.CliRunner;
import org.glanceconvert.format.qcow2.Qcow2Samples;
import org.glanceconvert.format.vdi.VdiSamples;
import org.glanceconvert.format.vhd.VhdSamples;
import org.glanceconvert.format.vhdx.VhdxSamples;
import org.glanceconvert.format.vmdk.VmdkSamples;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import org.glanceconvert.testing.QemuImg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each resource cap of docs/contracts.md ("Limits"): refused with its check id through the
 * command-line option that sets it, and checked before the thing it bounds is allocated or read.
 * "Before allocation" is measured, not assumed: the bytes the inspecting thread allocates
 * (HotSpot's per-thread allocation counter) and the largest single read stay small while the
 * header claims a table of 128 MiB to 16 GiB.
 */
class ResourceCapsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An inspection that allocated or read more than this did not check the size first. */
    private static final long SMALL = 4 * Limits.MiB;
    private static final long LARGEST_READ = 64 * Limits.KiB;

    @TempDir
    static Path dir;
    static Path corpus;

    @BeforeAll
    static void generate() throws IOException {
        corpus = HostileCorpus.writeTo(dir.resolve("corpus"));
    }

    /** Reads of the source: the largest one and the total. */
    static class RecordingSource implements ByteSource {
        private final ByteSource source;
        long largest;
        long total;

        RecordingSource(ByteSource source) {
            this.source = source;
        }

        @Override
        public long size() throws IOException {
            return source.size();
        }

        @Override
        public synchronized int read(long position, ByteBuffer dst) throws IOException {
            largest = Math.max(largest, dst.remaining());
            int n = source.read(position, dst);
            total += Math.max(0, n);
            return n;
        }

        @Override
        public String name() {
            return source.name();
        }

        @Override
        public void close() {
        }
    }

    /** Inspects and returns the problem ids, asserting what the inspection allocated and read. */
    private static List<String> inspectSmall(String what, byte[] image, Limits limits) throws IOException {
        RecordingSource source = new RecordingSource(new MemoryByteSource(what, image));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        InspectionReport report = new Inspector(limits).inspect(source, what);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < SMALL, what + ": the inspection allocated " + allocated + " bytes");
        assertTrue(source.largest <= LARGEST_READ, what + ": a read of " + source.largest + " bytes");
        return report.problems().stream().map(Finding::check).toList();
    }

    /** A header claiming a huge table, and the check that refuses it. */
    private record Claim(String what, Supplier<byte[]> image, String refusal) {
    }

    @Test
    void hugeTablesAreRefusedBeforeTheyAreAllocated() throws IOException {
        List<Claim> claims = List.of(
                // larger than the file: refused as outside it before the size is even compared to the cap
                new Claim("qcow2 L1 of 16 GiB", Qcow2Samples::hugeL1, "qcow2.l1_table"),
                new Claim("vmdk grain directory of 128 MiB", VmdkSamples::hugeGrainDirectory, "limits.table_size"),
                new Claim("vhd BAT of 62.5 MiB", VhdSamples::hugeBat, "limits.table_size"),
                new Claim("vhdx BAT of 128 MiB", VhdxSamples::hugeBat, "limits.table_size"),
                new Claim("vdi block map of 4 GiB", VdiSamples::hugeBlockMap, "limits.table_size"));
        for (Claim claim : claims) {
            List<String> ids = inspectSmall(claim.what(), claim.image().get(), Limits.DEFAULT);
            assertTrue(ids.contains(claim.refusal()), claim.what() + ": " + ids);
        }
    }

    @Test
    void hundredMegabyteDescriptorIsRefusedBeforeItIsRead() throws IOException {
        assertEquals(List.of("limits.descriptor_size"),
                inspectSmall("descriptor", VmdkSamples.descriptorOf100MiB(), Limits.DEFAULT));
        // a text descriptor file larger than the cap is not read whole either
        StringBuilder text = new StringBuilder(new String(VmdkSamples.descriptorFile("monolithicSparse",
                "RW 128 SPARSE \"disk.vmdk\""), StandardCharsets.US_ASCII));
        while (text.length() < 2 * Limits.MiB) {
            text.append("# padding padding padding padding padding padding padding padding\n");
        }
        List<String> ids = inspectSmall("text", text.toString().getBytes(StandardCharsets.US_ASCII), Limits.DEFAULT);
        assertFalse(ids.isEmpty(), "a 2 MiB text file is not a safe image");
    }

    @Test
    void virtualSizeAboveTheLimitIsRefusedBeforeAnyTableIsRead() throws IOException {
        assertEquals(List.of("limits.virtual_size"),
                inspectSmall("2^63-1", Qcow2Samples.virtualSizeMax(), Limits.DEFAULT));
    }

    @Test
    void inspectionReadBudgetStopsBeforeTheReadThatWouldExceedIt() throws IOException {
        RecordingSource source = new RecordingSource(new MemoryByteSource("q", Qcow2Samples.valid()));
        InspectionReport report = new Inspector(Limits.DEFAULT.withMaxInspectReadBytes(4096)).inspect(source, "q");
        assertEquals(List.of("limits.read_bytes"), report.problems().stream().map(Finding::check).toList());
        assertTrue(source.total <= 4096, "read " + source.total + " bytes");
    }

    @Test
    void inspectionTimeBudgetStopsASlowSource() throws IOException {
        ByteSource slow = new RecordingSource(new MemoryByteSource("q", Qcow2Samples.valid())) {
            @Override
            public synchronized int read(long position, ByteBuffer dst) throws IOException {
                try {
                    Thread.sleep(40);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.read(position, dst);
            }
        };
        long start = System.nanoTime();
        InspectionReport report = new Inspector(Limits.DEFAULT.withMaxInspectMillis(100)).inspect(slow, "q");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(List.of("limits.time"), report.problems().stream().map(Finding::check).toList());
        assertTrue(millis < 2000, "stopped after " + millis + " ms");
    }

    /** Reads of 512 bytes, round robin over four L2 tables, {@code rounds} times; returns source reads. */
    private static long roundRobinReads(Path image, Limits limits, int rounds) throws IOException {
        RecordingSource counted = new RecordingSource(new MemoryByteSource("q", Files.readAllBytes(image))) {
            long calls;

            @Override
            public synchronized int read(long position, ByteBuffer dst) throws IOException {
                calls++;
                total = calls;
                return super.read(position, dst);
            }
        };
        try (VirtualDisk disk = DiskFormats.byName("qcow2").orElseThrow().open(counted, limits)) {
            long before = counted.total;
            for (int r = 0; r < rounds; r++) {
                for (long table = 0; table < 4; table++) {
                    disk.read(table * 32 * 1024, ByteBuffer.allocate(512));
                }
            }
            return counted.total - before;
        }
    }

    @Test
    void cacheCapBoundsTheMetadataTablesAnOpenImageKeeps() throws IOException {
        QemuImg.assumeAvailable();
        // 512-byte clusters: one L2 table maps 32 KiB; data in four of them
        Path image = QemuImg.create(dir.resolve("four-l2.qcow2"), "qcow2", "cluster_size=512", 128 * 1024);
        for (int table = 0; table < 4; table++) {
            QemuImg.write(image, "qcow2", table + 1, table * 32L * 1024, 512);
        }
        // The default cache keeps all four tables: after the first round, only data is read.
        long roomy = roundRobinReads(image, Limits.DEFAULT, 3);
        assertEquals(3 * 4 + 4, roomy, "4 data reads a round, each table read once");
        // A cache of 512 bytes keeps two tables (the floor): a round robin over four misses every time.
        long tight = roundRobinReads(image, Limits.DEFAULT.withMaxCacheBytes(512), 3);
        assertEquals(3 * 4 * 2, tight, "each access re-reads its table");
    }

    // ---- the options, through the real command line

    private static String file(String name) {
        return corpus.resolve(name).toString();
    }

    /** inspect, check and convert all refuse {@code name} with {@code id} under {@code option value}. */
    private static void refusedWith(String name, String id, String option, String value) throws IOException {
        CliRunner.Outcome inspect = CliRunner.run("inspect", "--json", option, value, file(name));
        assertEquals(1, inspect.exitCode(), inspect.out() + inspect.err());
        JsonNode problems = JSON.readTree(inspect.out()).get("problems");
        assertEquals(id, problems.get(0).get("check").asText(), name + " " + option + " " + value + ": " + problems);
        CliRunner.Outcome check = CliRunner.run("check", option, value, file(name));
        assertEquals(1, check.exitCode(), check.out() + check.err());
        assertTrue(check.out().contains("ERROR " + id + ":"), check.out());
        Path out = dir.resolve("out-" + name + ".qcow2");
        CliRunner.Outcome convert = CliRunner.run("convert", option, value, "-O", "qcow2", file(name), out.toString());
        assertEquals(1, convert.exitCode(), convert.err());
        assertTrue(convert.err().contains("[" + id + "]"), convert.err());
        assertFalse(Files.exists(out));
        // the same image passes without the option
        assertEquals(0, CliRunner.run("inspect", file(name)).exitCode(), name);
    }

    @Test
    void maxVirtualSizeOption() throws IOException {
        for (String name : List.of("valid-v3.qcow2", "valid-sparse.vmdk", "valid-dynamic.vhd", "valid.vhdx", "valid.vdi")) {
            refusedWith(name, "limits.virtual_size", "--max-virtual-size", "256K");
        }
        assertEquals(0, CliRunner.run("inspect", "--max-virtual-size", "1MiB", file("valid-v3.qcow2")).exitCode());
    }

    @Test
    void maxTableBytesOption() throws IOException {
        for (String name : List.of("valid-v3.qcow2", "valid-sparse.vmdk", "valid-dynamic.vhd", "valid.vhdx", "valid.vdi")) {
            refusedWith(name, "limits.table_size", "--max-table-bytes", "4");
        }
    }

    @Test
    void maxDescriptorBytesOption() throws IOException {
        refusedWith("valid-sparse.vmdk", "limits.descriptor_size", "--max-descriptor-bytes", "1K");
        refusedWith("valid-stream.vmdk", "limits.descriptor_size", "--max-descriptor-bytes", "1K");
    }

    @Test
    void maxInspectBytesOption() throws IOException {
        refusedWith("valid-v3.qcow2", "limits.read_bytes", "--max-inspect-bytes", "4K");
        refusedWith("valid.vhdx", "limits.read_bytes", "--max-inspect-bytes", "64K");
    }

    @Test
    void maxInspectTimeOption() throws IOException {
        refusedWith("valid-v3.qcow2", "limits.time", "--max-inspect-time", "0ms");
        CliRunner.Outcome bad = CliRunner.run("inspect", "--max-inspect-time", "soon", file("valid-v3.qcow2"));
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("not a time"), bad.err());
    }

    @Test
    void maxCacheBytesBoundsMemoryWithoutRefusing() throws IOException {
        for (String name : List.of("valid-v3.qcow2", "valid-sparse.vmdk", "valid-dynamic.vhd", "valid.vhdx")) {
            Path out = dir.resolve("cache-" + name + ".raw");
            CliRunner.Outcome o = CliRunner.run("convert", "--max-cache-bytes", "512", "-O", "raw", file(name),
                    out.toString());
            assertEquals(0, o.exitCode(), o.err());
            assertEquals(0, CliRunner.run("compare", file(name), out.toString()).exitCode(), name);
        }
        CliRunner.Outcome bad = CliRunner.run("inspect", "--max-cache-bytes", "-1", file("valid-v3.qcow2"));
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("not a size"), bad.err());
    }
}
