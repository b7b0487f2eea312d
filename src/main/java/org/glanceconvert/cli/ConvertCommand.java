package org.glanceconvert.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.glanceconvert.content.NonZeroBlocks;
import org.glanceconvert.convert.ConversionResult;
import org.glanceconvert.convert.ImageConverter;
import org.glanceconvert.convert.LoggedProgress;
import org.glanceconvert.convert.TerminalProgress;
import org.glanceconvert.convert.WriteCache;
import org.glanceconvert.format.DiskFormatWriter;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.log.LogbackConfigurator;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a disk image to another format, in-process.",
                "The source is inspected first: unsafe images and images that are not the format given with -f are"
                        + " refused. The output appears under DST only when complete.",
                "Exit 0 converted, 1 refused or unsupported, 2 usage or I/O error."})
final class ConvertCommand extends Subcommand {
    /** Output formats the contract names; those without a writer yet are refused with exit 1. */
    private static final Set<String> OUTPUT_FORMATS = Set.of("raw", "qcow2", "vmdk", "vhd", "vhdx");
    private static final int LOG_INTERVAL_SECONDS = 10;

    /** Where {@code DST = -} goes; the real standard output, unbuffered. Tests point it elsewhere. */
    static Supplier<WritableByteChannel> standardOutput =
            () -> new FileOutputStream(FileDescriptor.out).getChannel();

    @Option(names = "-f", paramLabel = "SRCFMT",
            description = "The format the source must be; refused (exit 1) if its bytes are another.")
    String sourceFormat;

    @Option(names = "-O", paramLabel = "FMT", required = true,
            description = "Output format: raw, qcow2, vmdk, vhd (or vpc), vhdx.")
    String outputFormat;

    @Option(names = "-o", paramLabel = "KEY=VALUE[,...]",
            description = "Output options, e.g. cluster_size=64k,compression_type=zstd (qcow2).")
    List<String> outputOptions = List.of();

    @Option(names = "-c", description = "Compress the output (qcow2, streamOptimized vmdk).")
    boolean compress;

    @Option(names = "-p", description = "Show progress (on a terminal; otherwise it is logged).")
    boolean progress;

    @Option(names = "-t", paramLabel = "CACHE",
            description = "How the output's data reaches the disk: auto (default: through the page cache while it"
                    + " takes data faster than direct I/O, measured while writing), writeback (always the page"
                    + " cache), none (direct I/O, O_DIRECT).")
    String cache = WriteCache.AUTO.cliName();

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads for reading and compressing (default: the number of cores).")
    Integer threads;

    @Mixin
    LimitOptions limitOptions;

    @Parameters(index = "0", paramLabel = "SRC", description = "The source image file.")
    Path source;

    @Parameters(index = "1", paramLabel = "DST", description = "The output file, or - for standard output.")
    String destination;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = err();
        String format = DiskFormats.canonicalName(outputFormat);
        if (!OUTPUT_FORMATS.contains(format)) {
            throw usage("unknown output format '" + outputFormat + "' (known: raw, qcow2, vmdk, vhd, vpc, vhdx)");
        }
        // -f accepts every format the inspector reports (Glance names and detection-only ones).
        if (sourceFormat != null && DiskFormats.byName(sourceFormat).isEmpty()) {
            throw usage("unknown source format '" + sourceFormat + "'");
        }
        if (threads != null && threads < 1) {
            throw usage("--threads must be at least 1");
        }
        WriteCache writeCache = WriteCache.byName(cache)
                .orElseThrow(() -> usage("unknown cache mode '" + cache + "' for -t (known: auto, writeback, none)"));
        WriteOptions options = new WriteOptions(parseOptions(), compress,
                threads != null ? threads : Runtime.getRuntime().availableProcessors());
        Optional<DiskFormatWriter> writer = DiskFormats.writer(format);
        if (writer.isEmpty()) {
            return refuse(err, "writing " + format + " is not supported yet", Check.FORMAT_UNSUPPORTED);
        }
        ImageConverter converter = new ImageConverter(writer.get(), options).writeCache(writeCache);
        boolean toStream = "-".equals(destination);
        if (toStream && !converter.streamable()) {
            return refuse(err, format + (compress ? " with -c" : "") + " cannot be written to standard output:"
                    + " its tables precede data whose size is known only after compression; write to a file",
                    Check.FORMAT_UNSUPPORTED);
        }
        Path target = toStream ? null : Path.of(destination);
        if (target != null && Files.exists(target) && Files.exists(source) && Files.isSameFile(source, target)) {
            throw usage("SRC and DST are the same file");
        }

        // Unsafe sources, and sources that are not the -f format, are refused here (exit 1).
        try (ImageFile image = ImageFile.open(source, sourceFormat, limitOptions.limits())) {
            VirtualDisk disk = image.disk();
            if (toStream && converter.streamPlansFromExtents()) {
                // A streamed qcow2 places its clusters before reading data, so zeros stored as data
                // (a raw file without holes) would become allocated clusters. One extra read of the
                // stored data (holes are not read) finds them first: the contract that zero ranges
                // are never written data holds for standard output too; file output needs no pass.
                disk = NonZeroBlocks.premapped(disk, limitOptions.limits().maxCacheBytes());
            }
            WriteProgress meter = progressFor(disk.size(), err);
            ConversionResult result = toStream
                    ? converter.toStream(disk, standardOutput.get(), meter)
                    : converter.toFile(disk, target, meter);
            if (LogbackConfigurator.mayLog(Level.INFO)) {
                LoggerFactory.getLogger(ConvertCommand.class).info(
                        "converted {} ({}) to {} ({}): read {} bytes, wrote {} bytes in {} ms", source,
                        image.report().format(), toStream ? "standard output" : target, result.format(),
                        result.bytesRead(), result.bytesWritten(), result.elapsed().toMillis());
            }
        }
        return ExitCodes.OK;
    }

    private Map<String, String> parseOptions() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String group : outputOptions) {
            for (String item : group.split(",")) {
                int eq = item.indexOf('=');
                if (eq <= 0 || eq == item.length() - 1) {
                    throw usage("-o expects key=value pairs separated by commas, not '" + item + "'");
                }
                values.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
            }
        }
        return values;
    }

    private WriteProgress progressFor(long total, PrintWriter err) {
        if (progress && System.console() != null) {
            return new TerminalProgress(err, total);
        }
        return new LoggedProgress("convert " + source, total, LOG_INTERVAL_SECONDS);
    }

    private int refuse(PrintWriter err, String message, Check check) {
        err.println(prefix() + message + " [" + check.id() + "]");
        err.flush();
        return ExitCodes.NO;
    }

    private String prefix() {
        return "glance-convert convert: ";
    }
}
