package org.glanceconvert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.glanceconvert.audit.AuditRun;
import org.glanceconvert.audit.Progress;
import org.glanceconvert.config.CloudsYaml;
import org.glanceconvert.config.ConfigException;
import org.glanceconvert.config.DaemonConfig;
import org.glanceconvert.config.DaemonConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit} refuses what it cannot start with exit 2; a cloud it cannot reach is an error, not an empty report. */
class AuditCommandTest {
    @TempDir
    Path dir;

    private Path config() throws IOException {
        return Files.writeString(dir.resolve("gc.yaml"), """
                id_namespace: 3f2b8c1e-6d1a-4c0e-9b8e-2a7d5f1c9e40
                work_dir: %s
                clouds:
                  - {name: c1, cloud: nowhere, target_format: raw}
                """.formatted(dir.resolve("work")));
    }

    @Test
    void usageAndConfigurationErrorsExit2() throws Exception {
        CliRunner.Outcome missing = CliRunner.run("audit", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("cannot read"), missing.err());

        Path cfg = config();
        CliRunner.Outcome format = CliRunner.run("audit", "--config", cfg.toString(), "--format", "xml");
        assertEquals(2, format.exitCode());
        assertTrue(format.err().contains("table, json, csv"), format.err());

        CliRunner.Outcome since = CliRunner.run("audit", "--config", cfg.toString(), "--since", "yesterday");
        assertEquals(2, since.exitCode());
        assertTrue(since.err().contains("30m, 2h, 7d"), since.err());

        CliRunner.Outcome cloud = CliRunner.run("audit", "--config", cfg.toString(), "--cloud", "c2");
        assertEquals(2, cloud.exitCode());
        assertTrue(cloud.err().contains("no cloud named 'c2'") && cloud.err().contains("c1"), cloud.err());
        assertTrue(cloud.out().isEmpty(), cloud.out());
    }

    @Test
    void theHelpNamesTheOptions() {
        CliRunner.Outcome help = CliRunner.run("audit", "--help");
        assertEquals(0, help.exitCode());
        for (String option : new String[] {"--config", "--cloud", "--since", "--limit", "--format"}) {
            assertTrue(help.out().contains(option), help.out());
        }
        assertTrue(CliRunner.run("--help").out().contains("audit"));
    }

    @Test
    void anUnreachableCloudFailsBeforeAnyReport() throws Exception {
        Path clouds = Files.writeString(dir.resolve("clouds.yaml"), """
                clouds:
                  nowhere:
                    auth: {auth_url: "http://127.0.0.1:1/v3", username: u, password: pw, project_name: p,
                           user_domain_name: Default, project_domain_name: Default}
                    region_name: RegionOne
                """);
        DaemonConfig cfg = DaemonConfigLoader.system().load(config());
        StringWriter progress = new StringWriter();
        assertThrows(IOException.class, () -> AuditRun.run(cfg, CloudsYaml.load(clouds, Optional.empty()),
                AuditRun.select(cfg, null), null, null, new Progress(new PrintWriter(progress), false, 0, System::nanoTime)));
        assertTrue(progress.toString().isEmpty(), progress.toString());
        assertThrows(ConfigException.class, () -> AuditRun.select(cfg, "c9"));
        assertTrue(!Files.exists(dir.resolve("work")) || Files.list(dir.resolve("work")).findAny().isEmpty(),
                "no staging directory left behind");
    }
}
