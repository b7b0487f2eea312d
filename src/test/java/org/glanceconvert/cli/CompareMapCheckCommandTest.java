package org.glanceconvert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareMapCheckCommandTest {
    @TempDir
    Path dir;

    @Test
    void compareSaysIdenticalAndFindsTheFirstDifferingByte() throws Exception {
        Path a = TestImages.patternedRaw(dir.resolve("a.raw"), 3 << 20, 7);
        Path b = dir.resolve("b.raw");
        Files.copy(a, b);
        CliRunner.Outcome same = CliRunner.run("compare", a.toString(), b.toString());
        assertEquals(0, same.exitCode(), same.err());
        assertEquals("Images are identical.", same.out().trim());
        try (RandomAccessFile f = new RandomAccessFile(b.toFile(), "rw")) {
            f.seek(1_234_567);
            int old = f.read();
            f.seek(1_234_567);
            f.write(old ^ 0x5a);
        }
        CliRunner.Outcome differ = CliRunner.run("compare", a.toString(), b.toString());
        assertEquals(1, differ.exitCode());
        assertEquals("Content mismatch at offset 1234567!", differ.out().trim());
    }

    @Test
    void compareAcceptsAZeroTailUnlessStrict() throws Exception {
        Path a = TestImages.patternedRaw(dir.resolve("a.raw"), 1 << 20, 3);
        Path b = dir.resolve("b.raw");
        Files.copy(a, b);
        try (RandomAccessFile f = new RandomAccessFile(b.toFile(), "rw")) {
            f.setLength(2 << 20);
        }
        CliRunner.Outcome o = CliRunner.run("compare", a.toString(), b.toString());
        assertEquals(0, o.exitCode());
        assertTrue(o.out().contains("Warning: Image size mismatch!"));
        assertTrue(o.out().contains("Images are identical."));
        assertEquals(1, CliRunner.run("compare", "-s", a.toString(), b.toString()).exitCode());
        try (RandomAccessFile f = new RandomAccessFile(b.toFile(), "rw")) {
            f.seek((2 << 20) - 1);
            f.write(1);
        }
        CliRunner.Outcome tail = CliRunner.run("compare", a.toString(), b.toString());
        assertEquals(1, tail.exitCode());
        assertTrue(tail.out().contains("Content mismatch at offset " + ((2 << 20) - 1) + "!"), tail.out());
    }

    @Test
    void compareMissingFileIsExit2() {
        assertEquals(2, CliRunner.run("compare", dir.resolve("x").toString(), dir.resolve("y").toString()).exitCode());
    }

    @Test
    void mapOfSparseRawAgreesWithQemuImg() throws Exception {
        QemuImg.assumeAvailable();
        Path raw = TestImages.patternedRaw(dir.resolve("s.raw"), 8 << 20, 11);
        CliRunner.Outcome o = CliRunner.run("map", "--json", raw.toString());
        assertEquals(0, o.exitCode(), o.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode ours = json.readTree(o.out());
        JsonNode theirs = QemuImg.map(raw, "raw");
        assertEquals(theirs.toString(), ours.toString());
    }

    @Test
    void checkOnRawIsCleanWithANote() throws Exception {
        Path raw = dir.resolve("r.raw");
        Files.write(raw, new byte[4096]);
        CliRunner.Outcome o = CliRunner.run("check", raw.toString());
        assertEquals(0, o.exitCode());
        assertTrue(o.out().contains("no metadata to check"), o.out());
        CliRunner.Outcome j = CliRunner.run("check", "--json", raw.toString());
        JsonNode node = new ObjectMapper().readTree(j.out());
        assertTrue(node.get("clean").asBoolean());
        assertEquals("raw", node.get("format").asText());
    }

    @Test
    void formatAssertionMismatchIsRefused() throws Exception {
        Path raw = dir.resolve("r.raw");
        Files.write(raw, new byte[4096]);
        CliRunner.Outcome o = CliRunner.run("map", "-f", "qcow2", raw.toString());
        assertEquals(1, o.exitCode());
        assertTrue(o.err().contains("format.mismatch"), o.err());
    }
}
