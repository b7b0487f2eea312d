package org.glanceconvert.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Tell what an image really is and whether it is safe to convert.",
                "Reads only headers and top-level tables. Exit 0 safe, 1 unsafe, 2 usage or I/O error."})
final class InspectCommand extends Subcommand {
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--declared", paramLabel = "FORMAT",
            description = "The disk_format the image is labelled with; reports whether the bytes match it.")
    String declared;

    @Mixin
    LimitOptions limitOptions;

    @Parameters(paramLabel = "FILE", description = "The image file.")
    Path file;

    @Override
    public Integer call() throws Exception {
        InspectionReport report;
        try (FileByteSource source = FileByteSource.open(file)) {
            report = new Inspector(limitOptions.limits()).inspect(source, file.toString(), declared);
        }
        PrintWriter out = out();
        if (json) {
            out.println(Json.write(report));
        } else {
            printHuman(out, report);
        }
        out.flush();
        return report.safe() ? ExitCodes.OK : ExitCodes.NO;
    }

    private static void printHuman(PrintWriter out, InspectionReport r) {
        line(out, "image", r.filename());
        line(out, "file format", r.format());
        if (r.subformat() != null) {
            line(out, "subformat", r.subformat());
        }
        if (r.virtualSize() != null) {
            line(out, "virtual size", Sizes.human(r.virtualSize()) + " (" + r.virtualSize() + " bytes)");
        }
        line(out, "disk size", Sizes.human(r.actualSize()));
        if (r.clusterSize() != null) {
            line(out, "cluster_size", Long.toString(r.clusterSize()));
        }
        if (r.partitionTable() != null) {
            line(out, "partition table", r.partitionTable());
        }
        if (r.declared() != null) {
            line(out, "declared", r.declared() + (r.matchesDeclared() ? " (matches)" : " (DOES NOT MATCH)"));
        }
        line(out, "safe", r.safe() ? "yes" : "NO");
        for (Finding p : r.problems()) {
            line(out, "problem", p.check() + ": " + p.message());
        }
        for (Finding w : r.warnings()) {
            line(out, "warning", w.check() + ": " + w.message());
        }
    }

    private static void line(PrintWriter out, String key, String value) {
        out.printf("%-16s %s%n", key + ":", value);
    }
}
