package org.glanceconvert.inspect;

import java.io.IOException;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;

/**
 * Opens an image as a virtual disk only after the inspector has found it safe, and only as the
 * format its bytes really are. Every command that reads image content goes through here.
 */
public final class SafeOpener {
    private final Limits limits;

    public SafeOpener(Limits limits) {
        this.limits = limits;
    }

    /** An opened image with the inspection that allowed it. */
    public record Opened(InspectionReport report, VirtualDisk disk) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            disk.close();
        }
    }

    /**
     * Inspects and opens {@code source}.
     *
     * @param asserted the format the caller says it is ({@code -f}), or null to use the detected one
     * @throws ImageFormatException when the image is unsafe, not the asserted format, or unsupported
     */
    public Opened open(ByteSource source, String filename, String asserted) throws IOException {
        InspectionReport report = new Inspector(limits).inspect(source, filename, asserted);
        if (asserted != null && !report.matchesDeclared()) {
            throw new ImageFormatException(Check.FORMAT_MISMATCH, filename + " is " + describe(report)
                    + ", not " + report.declared());
        }
        if (!report.safe()) {
            Finding first = report.problems().get(0);
            StringBuilder reasons = new StringBuilder();
            for (Finding p : report.problems()) {
                reasons.append(reasons.length() == 0 ? "" : "; ").append(p.message()).append(" [").append(p.check()).append(']');
            }
            throw new ImageFormatException(checkOf(first), filename + " is unsafe: " + reasons);
        }
        DiskFormat format = DiskFormats.byName(report.format()).orElseThrow(() -> new ImageFormatException(
                Check.FORMAT_UNSUPPORTED, filename + ": no reader for format " + report.format()));
        return new Opened(report, format.open(source, limits));
    }

    private static String describe(InspectionReport report) {
        return report.subformat() == null ? report.format() : report.format() + " (" + report.subformat() + ")";
    }

    private static Check checkOf(Finding finding) {
        for (Check c : Check.values()) {
            if (c.id().equals(finding.check())) {
                return c;
            }
        }
        return Check.FORMAT_UNSUPPORTED;
    }
}
