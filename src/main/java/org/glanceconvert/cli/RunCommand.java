package org.glanceconvert.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.glanceconvert.config.CloudsYaml;
import org.glanceconvert.config.CloudsYamlLocator;
import org.glanceconvert.config.ConfigException;
import org.glanceconvert.config.DaemonConfig;
import org.glanceconvert.config.DaemonConfigLoader;
import org.glanceconvert.daemon.Daemon;
import org.glanceconvert.daemon.DaemonLogging;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the daemon: watch each configured cloud's Glance for new active images, inspect them,"
                + " and relabel, convert or reject them as the configuration says.",
                "Exit 0 after a clean stop (SIGTERM, SIGINT), 2 on a configuration error or a cloud unreachable at start."})
final class RunCommand implements Callable<Integer> {
    /** Where the configuration is when --config is not given. */
    static final String CONFIG_ENV = "GLANCE_CONVERT_CONFIG";

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The daemon configuration (default: $" + CONFIG_ENV + ").")
    Path config;

    @Option(names = "--dry-run",
            description = "Inspect and decide, record what would be done (dry_run: true), change nothing in Glance.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Path file = configFile(spec, config);
        DaemonConfig cfg;
        CloudsYaml clouds;
        try {
            cfg = DaemonConfigLoader.system().load(file);
            if (dryRun) {
                cfg = cfg.withDryRun(true);
            }
            clouds = CloudsYaml.load(CloudsYamlLocator.system());
        } catch (ConfigException e) {
            err.println("glance-convert run: " + file + ": " + e.getMessage());
            err.flush();
            return ExitCodes.ERROR;
        }
        DaemonLogging.configure(cfg.logFormat());
        Daemon daemon;
        try {
            daemon = Daemon.start(cfg, clouds, System.getenv("GLANCE_CONVERT_REPLICA"), Clock.systemUTC());
        } catch (ConfigException e) {
            err.println("glance-convert run: " + e.getMessage());
            err.flush();
            return ExitCodes.ERROR;
        }
        Signals.onTermination(daemon::requestStop);
        daemon.awaitStopRequest();
        daemon.stop(cfg.shutdownGrace());
        return ExitCodes.OK;
    }

    /** --config, else $GLANCE_CONVERT_CONFIG, else a usage error. */
    static Path configFile(CommandSpec spec, Path given) {
        if (given != null) {
            return given;
        }
        String env = System.getenv(CONFIG_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        throw new ParameterException(spec.commandLine(), "--config FILE is required (or set $" + CONFIG_ENV + ")");
    }
}
