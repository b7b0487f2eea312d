package org.glanceconvert.cli;

import java.io.PrintWriter;
import java.util.List;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate an image's metadata structure: every table entry inside the file, no overlaps,",
                "refcounts (qcow2), checksums. Exit 0 clean, 1 problems found, 2 usage or I/O error."})
final class CheckCommand extends Subcommand {
    @Option(names = "--json", description = "Print {\"filename\",\"format\",\"clean\",\"problems\"[,\"note\"]}.")
    boolean json;

    @Mixin
    ImageArgument image;

    /** The JSON of {@code check --json}. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record CheckReport(String filename, String format, boolean clean, List<Finding> problems, String note) {
    }

    @Override
    public Integer call() throws Exception {
        Limits limits = image.limits();
        CheckReport result;
        try (FileByteSource source = FileByteSource.open(image.file)) {
            InspectionReport report = new Inspector(limits).inspect(source, image.file.toString(), image.format);
            result = check(source, report, limits);
        }
        PrintWriter out = out();
        if (json) {
            out.println(Json.write(result));
        } else if (result.clean()) {
            out.println(result.note() != null ? result.note() : "No errors were found on the image.");
        } else {
            for (Finding p : result.problems()) {
                out.println("ERROR " + p.check() + ": " + p.message());
            }
            out.println(result.problems().size() + " errors were found on the image.");
        }
        out.flush();
        return result.clean() ? ExitCodes.OK : ExitCodes.NO;
    }

    private CheckReport check(FileByteSource source, InspectionReport report, Limits limits) throws Exception {
        String name = image.file.toString();
        if (image.format != null && !report.matchesDeclared()) {
            return new CheckReport(name, report.format(), false, List.of(new Finding(Check.FORMAT_MISMATCH.id(),
                    name + " is " + report.format() + ", not " + report.declared())), null);
        }
        if (!report.safe()) {
            return new CheckReport(name, report.format(), false, report.problems(), null);
        }
        if ("raw".equals(report.format()) || "iso".equals(report.format())) {
            return new CheckReport(name, report.format(), true, List.of(),
                    report.format() + " images have no metadata to check.");
        }
        DiskFormat diskFormat = DiskFormats.byName(report.format()).orElseThrow();
        List<Finding> problems = diskFormat.check(source, limits);
        return new CheckReport(name, report.format(), problems.isEmpty(), problems, null);
    }
}
