package org.glanceconvert.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Predicate;
import org.glanceconvert.log.Action;
import org.glanceconvert.log.ConversionLog;
import org.glanceconvert.log.ConversionRecord;
import org.glanceconvert.log.TimeSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "log", mixinStandardHelpOptions = true,
        description = {"Review the conversion log: one line per decision the daemon took.",
                "Exit 0 ok (also when nothing matches), 2 usage or I/O error."})
final class LogCommand extends Subcommand {
    /** Where the daemon writes its log unless the configuration says otherwise. */
    static final String DEFAULT_FILE = "/var/log/glance-convert/conversions.jsonl";

    @Option(names = "--file", paramLabel = "FILE",
            description = "The conversion log (default: the one --config names, else $GLANCE_CONVERT_CONVERSION_LOG,"
                    + " else " + DEFAULT_FILE + ").")
    Path file;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The daemon configuration whose conversion_log to read (default: $" + RunCommand.CONFIG_ENV + ").")
    Path config;

    @Option(names = "--image", paramLabel = "ID", description = "Only this image (source or new image id).")
    String image;

    @Option(names = "--since", paramLabel = "T", description = "Only records at or after T: ISO-8601 or 30m, 2h, 7d.")
    String since;

    @Option(names = "--action", paramLabel = "A", description = "Only this action: ok, relabel, convert, reject, skip, fail.")
    String action;

    @Option(names = "--json", description = "Print the records as JSON lines, as stored.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path log = file != null ? file : defaultFile(config);
        Predicate<ConversionRecord> filter = filter();
        PrintWriter out = out();
        if (!Files.exists(log)) {
            throw new NoSuchFileException(log.toString());
        }
        if (!json) {
            out.printf("%-20s %-8s %-36s %-24s %-14s %-6s %s%n", "TIME", "ACTION", "IMAGE", "NAME", "FORMAT", "TARGET",
                    "RESULT");
        }
        ConversionLog.read(log, filter, r -> out.println(json ? toJson(r) : human(r)));
        out.flush();
        return ExitCodes.OK;
    }

    private Path defaultFile(Path configFile) throws java.io.IOException {
        Path cfg = configFile;
        if (cfg == null) {
            String fromEnv = System.getenv(RunCommand.CONFIG_ENV);
            cfg = fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : null;
        }
        if (cfg != null) {
            try {
                return org.glanceconvert.config.DaemonConfigLoader.system().conversionLog(cfg);
            } catch (org.glanceconvert.config.ConfigException e) {
                throw new java.io.IOException(cfg + ": " + e.getMessage());
            }
        }
        String env = System.getenv("GLANCE_CONVERT_CONVERSION_LOG");
        return Path.of(env != null && !env.isBlank() ? env : DEFAULT_FILE);
    }

    private Predicate<ConversionRecord> filter() {
        Predicate<ConversionRecord> p = r -> true;
        if (image != null) {
            p = p.and(r -> image.equals(r.imageId()) || image.equals(r.newImageId()));
        }
        try {
            if (since != null) {
                Instant t = TimeSpec.parse(since, Clock.systemUTC());
                p = p.and(r -> r.time() != null && !r.time().isBefore(t));
            }
            if (action != null) {
                Action a = Action.parse(action);
                p = p.and(r -> r.action() == a);
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        return p;
    }

    private static String toJson(ConversionRecord r) {
        try {
            return ConversionLog.toJson(r);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String human(ConversionRecord r) {
        String formats = nz(r.declaredFormat()) + "->" + nz(r.detectedFormat());
        String result = nz(r.result()) + (r.reason() == null ? "" : ": " + r.reason())
                + (Boolean.TRUE.equals(r.dryRun()) ? " (dry run)" : "");
        String time = r.time() == null ? "-" : r.time().toString().replaceFirst("\\.\\d+Z$", "Z");
        return String.format("%-20s %-8s %-36s %-24s %-14s %-6s %s", time, r.action() == null ? "-" : r.action().id(),
                nz(r.imageId()), nz(r.imageName()), formats, nz(r.targetFormat()), result);
    }

    private static String nz(String s) {
        return s == null ? "-" : s;
    }
}
