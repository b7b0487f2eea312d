package org.glanceconvert.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.glanceconvert.audit.AuditFormat;
import org.glanceconvert.audit.AuditRun;
import org.glanceconvert.audit.CatalogAudit;
import org.glanceconvert.audit.Progress;
import org.glanceconvert.config.CloudSettings;
import org.glanceconvert.config.CloudsYaml;
import org.glanceconvert.config.CloudsYamlLocator;
import org.glanceconvert.config.ConfigException;
import org.glanceconvert.config.DaemonConfig;
import org.glanceconvert.config.DaemonConfigLoader;
import org.glanceconvert.log.TimeSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Inspect every image of each configured cloud's existing catalog (hidden ones too) by range reads,"
                + " and report what it really is, whether it is safe, and what the daemon would do. Changes nothing in Glance.",
                "Exit 0 when the audit completed (whatever it found), 2 on a configuration or connection error."})
final class AuditCommand extends Subcommand {

    @Option(names = "--config", paramLabel = "FILE",
            description = "The daemon configuration (default: $" + RunCommand.CONFIG_ENV + ").")
    Path config;

    @Option(names = "--cloud", paramLabel = "NAME", description = "Only this configured cloud (default: all).")
    String cloud;

    @Option(names = "--since", paramLabel = "T",
            description = "Only images created or updated at or after T: ISO-8601 or 30m, 2h, 7d.")
    String since;

    @Option(names = "--limit", paramLabel = "N", description = "At most N images (over all clouds, oldest first).")
    Integer limit;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "table",
            description = "table (default), json or csv.")
    String format;

    @Override
    public Integer call() {
        AuditFormat fmt;
        Instant from;
        try {
            fmt = AuditFormat.parse(format);
            from = since == null ? null : TimeSpec.parse(since, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (limit != null && limit < 0) {
            throw usage("--limit must not be negative");
        }
        Path file = RunCommand.configFile(spec, config);
        DaemonConfig cfg;
        List<CloudSettings> clouds;
        CloudsYaml cloudsYaml;
        try {
            cfg = DaemonConfigLoader.system().load(file);
            clouds = AuditRun.select(cfg, cloud);
            cloudsYaml = CloudsYaml.load(CloudsYamlLocator.system());
        } catch (ConfigException e) {
            err().println("glance-convert audit: " + file + ": " + e.getMessage());
            err().flush();
            return ExitCodes.ERROR;
        }
        CatalogAudit.Result result;
        try {
            result = AuditRun.run(cfg, cloudsYaml, clouds, from, limit, Progress.forStderr(err()));
        } catch (ConfigException e) {
            err().println("glance-convert audit: " + e.getMessage());
            err().flush();
            return ExitCodes.ERROR;
        } catch (IOException | UncheckedIOException e) {
            err().println("glance-convert audit: " + ExitCodes.describe(e instanceof UncheckedIOException u ? u.getCause() : e));
            err().flush();
            return ExitCodes.ERROR;
        }
        fmt.write(result.entries(), result.summary(), out());
        return ExitCodes.OK;
    }
}
