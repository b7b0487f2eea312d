package org.glanceconvert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.glanceconvert.log.Action;
import org.glanceconvert.log.ConversionLog;
import org.glanceconvert.log.ConversionRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCommandTest {
    @TempDir
    Path dir;

    private static ConversionRecord record(Instant t, String id, Action action, String reason) {
        return new ConversionRecord(t, "ceph", id, "name-" + id, "proj", "vmdk", "raw", null, 1024L, action, "raw",
                null, 10L, 10L, 1L, 0L, 2L, action == Action.REJECT ? "rejected" : "done", reason,
                reason == null ? null : List.of("qcow2.backing_file"), null);
    }

    @Test
    void filtersByImageActionAndSince() throws Exception {
        Path file = dir.resolve("c.jsonl");
        Instant now = Instant.now();
        try (ConversionLog log = ConversionLog.open(file)) {
            log.append(record(now.minus(3, ChronoUnit.DAYS), "old", Action.RELABEL, null));
            log.append(record(now.minus(1, ChronoUnit.HOURS), "a", Action.RELABEL, null));
            log.append(record(now, "b", Action.REJECT, "backing file"));
        }
        Files.writeString(file, "{torn", java.nio.file.StandardOpenOption.APPEND);

        CliRunner.Outcome all = CliRunner.run("log", "--file", file.toString(), "--json");
        assertEquals(0, all.exitCode(), all.err());
        assertEquals(3, all.out().lines().count());

        CliRunner.Outcome recent = CliRunner.run("log", "--file", file.toString(), "--since", "2d", "--json");
        assertEquals(2, recent.out().lines().count());

        CliRunner.Outcome rejected = CliRunner.run("log", "--file", file.toString(), "--action", "reject", "--json");
        assertEquals(1, rejected.out().lines().count());
        assertTrue(rejected.out().contains("\"image_id\":\"b\""), rejected.out());
        assertTrue(rejected.out().contains("\"checks\":[\"qcow2.backing_file\"]"), rejected.out());

        CliRunner.Outcome one = CliRunner.run("log", "--file", file.toString(), "--image", "a");
        assertEquals(2, one.out().lines().count(), one.out());
        assertTrue(one.out().contains("relabel"));
    }

    @Test
    void badFiltersAreUsageErrors() throws Exception {
        Path file = dir.resolve("c.jsonl");
        Files.writeString(file, "");
        assertEquals(2, CliRunner.run("log", "--file", file.toString(), "--action", "explode").exitCode());
        assertEquals(2, CliRunner.run("log", "--file", file.toString(), "--since", "yesterday").exitCode());
        assertEquals(2, CliRunner.run("log", "--file", dir.resolve("missing").toString()).exitCode());
    }
}
