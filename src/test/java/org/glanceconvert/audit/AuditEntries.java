package org.glanceconvert.audit;

import java.util.List;
import org.glanceconvert.log.Action;

/** Audit entries for the report tests. */
final class AuditEntries {
    private AuditEntries() {
    }

    static AuditEntry entry(String id, String name, String declared, String real, String sub, Long vsize, long size,
                            Boolean safe, List<String> checks, Action action, String target) {
        boolean read = real != null;
        return new AuditEntry("c1", id, name, "proj", "active", false, declared, real, sub, vsize, size, safe, checks,
                action, target, "because", read ? ReadPath.RANGE : ReadPath.NONE, read ? 4096 : 0,
                SizeEstimate.of(action, target, real, sub, vsize, size));
    }

    /** One of each: relabel, convert (known and unknown estimate), reject (two checks), ok, skip unread. */
    static List<AuditEntry> sample() {
        long mib = 1L << 20;
        return List.of(
                entry("i1", "flat", "vmdk", "raw", null, 10 * mib, 10 * mib, true, null, Action.RELABEL, "raw"),
                entry("i2", "q", "raw", "qcow2", "v3", 10 * mib, 2 * mib, true, null, Action.CONVERT, "raw"),
                entry("i3", "s", "vmdk", "vmdk", "streamOptimized", 10 * mib, mib, true, null, Action.CONVERT, "qcow2"),
                entry("i4", "bad, \"evil\"", "qcow2", "qcow2", "v3", mib, mib, false,
                        List.of("qcow2.backing_file", "qcow2.data_file"), Action.REJECT, null),
                entry("i5", "=cmd|' /C calc'!A0", "raw", "raw", null, 20 * mib, 20 * mib, true, null, Action.OK, "raw"),
                entry("i6", "queued", "raw", null, null, null, 0, null, null, Action.SKIP, null),
                entry("i7", "bigger", "vhd", "vhd", "fixed", 4 * mib, 4 * mib + 512, true, null, Action.CONVERT, "qcow2"),
                entry("i8", "bad2", "raw", "qcow2", "v3", mib, mib, false, List.of("qcow2.backing_file"), Action.REJECT, null));
    }

    static AuditSummary summarize(List<AuditEntry> entries) {
        AuditSummary s = new AuditSummary();
        entries.forEach(s::add);
        return s;
    }
}
