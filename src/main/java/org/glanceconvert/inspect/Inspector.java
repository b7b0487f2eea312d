package org.glanceconvert.inspect;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;

/**
 * Tells what an image really is and whether it is safe to touch, reading only headers and
 * top-level tables. Every format's signature is tried (never only the declared one: CVE-2024-44082);
 * more than one match is itself a problem.
 */
public final class Inspector {
    private final Limits limits;
    private final List<DiskFormat> formats;

    public Inspector(Limits limits) {
        this(limits, DiskFormats.signed());
    }

    Inspector(Limits limits, List<DiskFormat> formats) {
        this.limits = limits;
        this.formats = formats;
    }

    /** Inspects without a declared format. */
    public InspectionReport inspect(ByteSource source, String filename) throws IOException {
        return inspect(source, filename, null);
    }

    /**
     * Inspects {@code source}. I/O errors of the source itself propagate; everything wrong with
     * the content becomes a problem in the report.
     *
     * @param declared the disk_format the image is labelled with, or null
     */
    public InspectionReport inspect(ByteSource source, String filename, String declared) throws IOException {
        BudgetedByteSource budgeted = new BudgetedByteSource(source, limits);
        List<DiskFormat> matching = new ArrayList<>();
        FormatReport report;
        try {
            for (DiskFormat format : formats) {
                if (safeMatch(format, budgeted)) {
                    matching.add(format);
                }
            }
        } catch (ImageFormatException e) {
            // The read or time budget ran out while probing signatures: what the bytes are is not
            // known for sure (reported as the first match so far, or raw), and that alone makes
            // the image unsafe.
            DiskFormat first = matching.isEmpty() ? DiskFormats.raw() : matching.get(0);
            report = new FormatReport(first.name()).problem(Finding.of(e));
            return report(source, filename, declared, report);
        }
        DiskFormat chosen = matching.isEmpty() ? DiskFormats.raw() : matching.get(0);
        report = inspectWith(chosen, budgeted);
        if (matching.size() > 1) {
            report.problem(Check.FORMAT_MULTIPLE_MATCH, "signatures of "
                    + String.join(" and ", matching.stream().map(DiskFormat::name).toList())
                    + " all match: the image is crafted to be read differently by different tools");
        }
        return report(source, filename, declared, report);
    }

    private static InspectionReport report(ByteSource source, String filename, String declared, FormatReport report)
            throws IOException {
        String declaredName = declared == null ? null : DiskFormats.canonicalName(declared);
        return new InspectionReport(
                filename,
                report.format(),
                report.subformat(),
                report.virtualSize(),
                actualSize(source),
                report.clusterSize(),
                report.partitionTable(),
                report.problems().isEmpty(),
                List.copyOf(report.problems()),
                List.copyOf(report.warnings()),
                declaredName,
                declaredName == null ? null : declaredName.equals(report.format()));
    }

    private static boolean safeMatch(DiskFormat format, ByteSource source) throws IOException {
        try {
            return format.matches(source);
        } catch (ImageFormatException e) {
            throw e;
        } catch (EOFException e) {
            return false;
        }
    }

    private FormatReport inspectWith(DiskFormat format, ByteSource source) throws IOException {
        try {
            return format.inspect(source, limits);
        } catch (ImageFormatException e) {
            return new FormatReport(format.name()).problem(Finding.of(e));
        } catch (EOFException e) {
            return new FormatReport(format.name()).problem(Check.FORMAT_TRUNCATED,
                    "the file ends before its " + format.name() + " header and tables do: " + e.getMessage());
        }
    }

    private static long actualSize(ByteSource source) throws IOException {
        long allocated = source.allocatedSize();
        return allocated >= 0 ? allocated : source.size();
    }
}
