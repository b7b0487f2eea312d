package org.glanceconvert.daemon;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.log.Action;

/**
 * The decision table, as pure functions: no network, no clock, no state. {@link #before} runs on
 * Glance's metadata alone, before any byte is downloaded; {@link #after} once the bytes have been
 * inspected. docs/contracts.md lists every row.
 */
public final class DecisionTable {
    /** Formats glance-convert can write, and so can be targets. */
    public static final Set<String> TARGETS = Set.of("raw", "qcow2", "vmdk", "vhd", "vhdx");
    private static final Set<String> DECIDED = Set.of("done", "ok", "rejected", "skipped");

    private DecisionTable() {
    }

    /**
     * Rows that need no download: images glance-convert made, images already decided, images it
     * must never touch. Empty means: download and inspect.
     */
    public static Optional<Decision> before(ImageFacts image) {
        if (image.property(Properties.SOURCE_ID) != null) {
            return Optional.of(Decision.skip("created by glance-convert from " + image.property(Properties.SOURCE_ID)));
        }
        String state = image.property(Properties.STATE);
        if (state != null && DECIDED.contains(state)) {
            return Optional.of(Decision.skip("already decided: " + state));
        }
        if (!"active".equals(image.status())) {
            return Optional.of(Decision.skip("status is " + image.status() + ", not active"));
        }
        if (image.containerFormat() != null && !"bare".equals(image.containerFormat())) {
            return Optional.of(Decision.skip("container_format " + image.containerFormat() + " is not bare"));
        }
        if (image.property("cinder_encryption_key_id") != null) {
            return Optional.of(Decision.skip("Cinder-encrypted image: its bytes are ciphertext"));
        }
        if (image.property("block_device_mapping") != null || image.size() == null || image.size() == 0) {
            return Optional.of(Decision.skip("volume-backed snapshot: the image holds no disk data"));
        }
        return Optional.empty();
    }

    /** The decision once the bytes are known. */
    public static Decision after(ImageFacts image, InspectionReport report, TargetChoice choice) {
        if (!report.safe()) {
            return new Decision(Action.REJECT, null, describeProblems(report),
                    report.problems().stream().map(Finding::check).toList());
        }
        if (image.flag(Properties.SKIP)) {
            return Decision.skip("opted out by " + Properties.SKIP + "=true");
        }
        if (choice.skipReason() != null) {
            return Decision.skip(choice.skipReason());
        }
        String declared = DiskFormats.canonicalName(nullToEmpty(image.diskFormat()));
        String real = report.format();
        if ("iso".equals(real) && !choice.convertIso()) {
            return "iso".equals(declared)
                    ? new Decision(Action.OK, "iso", "ISO 9660 boot media, left as it is", null)
                    : Decision.skip("ISO 9660 boot media labelled " + declared + " (a rule may opt ISO images in)");
        }
        String target = requestedTarget(image).orElse(choice.targetFormat());
        if (!TARGETS.contains(target)) {
            return new Decision(Action.FAIL, null, "target format " + target + " cannot be written", null);
        }
        if ("vmdk".equals(target) && "raw".equals(real) && "vmdk".equals(declared)
                && "preallocated".equals(image.property("vmware_disktype"))) {
            return new Decision(Action.OK, target, "raw bytes labelled vmdk with vmware_disktype=preallocated:"
                    + " correct for a VMware cloud", null);
        }
        if (real.equals(target) || ("iso".equals(real) && "raw".equals(target))) {
            String realLabel = "iso".equals(real) ? "raw" : real;
            if (realLabel.equals(declared)) {
                return new Decision(Action.OK, target, "already " + target + " and labelled so", null);
            }
            return new Decision(Action.RELABEL, target,
                    "labelled " + declared + " but the bytes are " + describe(report) + ", already the target", null);
        }
        if (isSigned(image)) {
            return Decision.skip("signed image (img_signature): converting would invalidate the signature");
        }
        return new Decision(Action.CONVERT, target,
                "labelled " + declared + ", bytes are " + describe(report) + ", cloud wants " + target, null);
    }

    private static Optional<String> requestedTarget(ImageFacts image) {
        String t = image.property(Properties.TARGET);
        return t == null || t.isBlank() ? Optional.empty()
                : Optional.of(DiskFormats.canonicalName(t.trim().toLowerCase(Locale.ROOT)));
    }

    private static boolean isSigned(ImageFacts image) {
        return image.properties().keySet().stream().anyMatch(k -> k.startsWith("img_signature"));
    }

    private static String describe(InspectionReport report) {
        return report.subformat() == null ? report.format() : report.format() + " (" + report.subformat() + ")";
    }

    private static String describeProblems(InspectionReport report) {
        StringBuilder s = new StringBuilder("unsafe: ");
        for (int i = 0; i < report.problems().size(); i++) {
            Finding f = report.problems().get(i);
            s.append(i == 0 ? "" : "; ").append(f.check()).append(": ").append(f.message());
        }
        return s.toString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
