package org.glanceconvert.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.glanceconvert.config.CloudSettings;
import org.glanceconvert.config.CloudsYaml;
import org.glanceconvert.config.ConfigException;
import org.glanceconvert.config.DaemonConfig;
import org.glanceconvert.daemon.ImageAssessor;
import org.glanceconvert.glance.ClientOptions;
import org.glanceconvert.glance.GlanceClient;

/**
 * An audit from configuration to report: connects to the chosen clouds (failing before any
 * image is read if one cannot be reached), audits, and cleans up its staging directory.
 */
public final class AuditRun {
    private AuditRun() {
    }

    /** The configured clouds the audit covers: all, or the one named. */
    public static List<CloudSettings> select(DaemonConfig config, String cloud) throws ConfigException {
        if (cloud == null) {
            return config.clouds();
        }
        return config.clouds().stream().filter(c -> c.name().equals(cloud)).findFirst().map(List::of)
                .orElseThrow(() -> new ConfigException("--cloud", "no cloud named '" + cloud + "' in the configuration (it has: "
                        + String.join(", ", config.clouds().stream().map(CloudSettings::name).toList()) + ")"));
    }

    public static CatalogAudit.Result run(DaemonConfig config, CloudsYaml cloudsYaml, List<CloudSettings> clouds,
                                          Instant since, Integer limit, Progress progress)
            throws IOException, ConfigException {
        List<CatalogAudit.AuditedCloud> connected = new ArrayList<>();
        // Its own staging directory: a daemon running on the same work_dir keeps its files.
        Path staging = config.workDir().resolve(".audit-" + ProcessHandle.current().pid());
        try {
            for (CloudSettings c : clouds) {
                connected.add(new CatalogAudit.AuditedCloud(c,
                        GlanceClient.connect(cloudsYaml.entry(c.cloud()), ClientOptions.defaults())));
            }
            return new CatalogAudit(ImageAssessor.of(config, staging), config.concurrency()).run(connected, since, limit, progress);
        } finally {
            connected.forEach(c -> c.client().close());
            deleteTree(staging);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
