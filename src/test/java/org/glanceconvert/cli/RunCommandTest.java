package org.glanceconvert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.glanceconvert.log.Action;
import org.glanceconvert.log.ConversionLog;
import org.glanceconvert.log.ConversionRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} refuses what it cannot start with exit 2; {@code log --config} finds the daemon's log. */
class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void aConfigurationIsRequired() {
        assumeTrue(System.getenv("GLANCE_CONVERT_CONFIG") == null);
        CliRunner.Outcome o = CliRunner.run("run");
        assertEquals(2, o.exitCode());
        assertTrue(o.err().contains("--config"), o.err());
    }

    @Test
    void aMissingOrInvalidConfigurationExits2NamingTheKey() throws Exception {
        CliRunner.Outcome missing = CliRunner.run("run", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("cannot read"), missing.err());

        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                id_namespace: 3f2b8c1e-6d1a-4c0e-9b8e-2a7d5f1c9e40
                work_dir: %s
                clouds:
                  - name: c1
                    target_format: raw
                    orignal: delete
                """.formatted(dir));
        CliRunner.Outcome o = CliRunner.run("run", "--config", bad.toString(), "--dry-run");
        assertEquals(2, o.exitCode());
        assertTrue(o.err().contains("clouds[0].orignal"), o.err());
    }

    @Test
    void logFindsTheConversionLogThroughTheConfigurationWithoutItsSecrets() throws Exception {
        Path logFile = dir.resolve("var/conversions.jsonl");
        try (ConversionLog log = ConversionLog.open(logFile)) {
            log.append(new ConversionRecord(Instant.now(), "c1", "img-1", "n", "p", "qcow2", "raw", null, 1L, Action.RELABEL,
                    "raw", "copy-1", null, null, null, null, null, "done", null, null, null));
        }
        // The id namespace comes from an unset variable: the log command must not need it.
        Path cfg = Files.writeString(dir.resolve("gc.yaml"), """
                id_namespace: ${GLANCE_CONVERT_TEST_UNSET_NAMESPACE}
                work_dir: %s
                conversion_log: var/conversions.jsonl
                clouds: [{name: c1, target_format: raw}]
                """.formatted(dir.resolve("work")));
        CliRunner.Outcome o = CliRunner.run("log", "--config", cfg.toString(), "--json");
        assertEquals(0, o.exitCode(), o.err());
        assertEquals(List.of("img-1"), o.out().lines().map(l -> l.replaceAll(".*\"image_id\":\"([^\"]+)\".*", "$1")).toList());

        Path noLog = Files.writeString(dir.resolve("gc2.yaml"), "work_dir: " + dir.resolve("w2") + "\n");
        CliRunner.Outcome missing = CliRunner.run("log", "--config", noLog.toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("conversions.jsonl"), missing.err());
    }
}
