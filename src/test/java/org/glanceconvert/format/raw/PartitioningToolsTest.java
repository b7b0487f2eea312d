package org.glanceconvert.format.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disks partitioned by the real tools (util-linux sfdisk, gdisk's sgdisk) pass the same checks
 * as the ones built in Java. Skipped where those tools are not installed (apt: fdisk gdisk).
 */
class PartitioningToolsTest {
    @TempDir
    Path dir;

    private Path blankDisk() throws IOException {
        return TestImages.sparseRaw(dir.resolve("disk.raw"), 8L << 20, 0);
    }

    private static void run(String input, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
        }
        p.getOutputStream().close();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, List.of(cmd) + ": " + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The tool's path; skips the test when it is not installed (it lives in sbin). */
    private static String tool(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d).resolve(name))) {
                return Path.of(d).resolve(name).toString();
            }
        }
        assumeTrue(false, name + " not installed");
        return name;
    }

    @Test
    void sfdiskMbr() throws IOException {
        Path disk = blankDisk();
        run("label: dos\nstart=2048, size=4096, type=83, bootable\nstart=6144, type=82\n", tool("sfdisk"), "-q", disk.toString());
        InspectionReport r = TestImages.inspect(disk);
        assertEquals("raw", r.format());
        assertEquals("mbr", r.partitionTable());
        assertTrue(r.safe(), r.problems().toString());
    }

    @Test
    void sfdiskGpt() throws IOException {
        Path disk = blankDisk();
        run("label: gpt\nstart=2048, size=4096\nstart=6144\n", tool("sfdisk"), "-q", disk.toString());
        InspectionReport r = TestImages.inspect(disk);
        assertEquals("gpt", r.partitionTable());
        assertTrue(r.safe(), r.problems().toString());
    }

    @Test
    void sgdiskGptWithManyPartitions() throws IOException {
        Path disk = blankDisk();
        run(null, tool("sgdisk"), "-n", "1:2048:+1M", "-n", "2:0:+1M", "-n", "3:0:+1M", "-n", "4:0:+1M",
                "-n", "5:0:0", "-t", "1:ef00", disk.toString());
        InspectionReport r = TestImages.inspect(disk);
        assertEquals("gpt", r.partitionTable());
        assertTrue(r.safe(), r.problems().toString());
    }
}
