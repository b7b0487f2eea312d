package org.glanceconvert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path dir;

    @Test
    void rawFileJsonHasTheContractFields() throws Exception {
        Path f = dir.resolve("disk.img");
        Files.write(f, new byte[8192]);
        CliRunner.Outcome o = CliRunner.run("inspect", "--json", f.toString());
        assertEquals(0, o.exitCode(), o.err());
        JsonNode j = new ObjectMapper().readTree(o.out());
        assertEquals("raw", j.get("format").asText());
        assertEquals(8192, j.get("virtual_size").asLong());
        assertTrue(j.has("actual_size"));
        assertTrue(j.has("partition_table") && j.get("partition_table").isNull());
        assertTrue(j.get("safe").asBoolean());
        assertTrue(j.get("problems").isArray());
        assertTrue(!j.has("cluster_size"), "raw has no cluster_size");
    }

    @Test
    void missingFileIsExit2() {
        CliRunner.Outcome o = CliRunner.run("inspect", dir.resolve("nope").toString());
        assertEquals(2, o.exitCode());
        assertTrue(o.err().contains("no such file"), o.err());
    }

    @Test
    void usageErrorIsExit2() {
        assertEquals(2, CliRunner.run("inspect").exitCode());
        assertEquals(2, CliRunner.run("inspect", "--bogus", "x").exitCode());
        assertEquals(2, CliRunner.run().exitCode());
    }

    @Test
    void humanOutputIsAnAlignedBlock() throws Exception {
        Path f = dir.resolve("disk.img");
        Files.write(f, new byte[4096]);
        CliRunner.Outcome o = CliRunner.run("inspect", f.toString());
        assertEquals(0, o.exitCode());
        assertTrue(o.out().contains("file format:     raw"), o.out());
        assertTrue(o.out().contains("virtual size:    4 KiB (4096 bytes)"), o.out());
    }

    @Test
    void declaredMismatchIsReported() throws Exception {
        Path f = dir.resolve("disk-flat.vmdk");
        Files.write(f, new byte[4096]);
        CliRunner.Outcome o = CliRunner.run("inspect", "--json", "--declared", "vmdk", f.toString());
        JsonNode j = new ObjectMapper().readTree(o.out());
        assertEquals("vmdk", j.get("declared").asText());
        assertEquals(false, j.get("matches_declared").asBoolean());
    }
}
