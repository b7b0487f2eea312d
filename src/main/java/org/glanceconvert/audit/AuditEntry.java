package org.glanceconvert.audit;

import java.util.List;
import org.glanceconvert.log.Action;

/**
 * One image of the audit report.
 *
 * @param declaredFormat Glance's {@code disk_format}
 * @param realFormat     what inspection found, null when the image was not read
 * @param virtualSize    from inspection, null when not read or unknown
 * @param size           Glance's {@code size} (stored bytes)
 * @param safe           null when the image was not read
 * @param checks         the failed check ids when unsafe
 * @param action         what the daemon would do
 * @param target         the disk_format the daemon would end with (null for skip, reject, fail)
 * @param reason         why, in one sentence
 * @param read           how the bytes were read
 * @param bytesRead      bytes received from Glance for this image
 * @param estimate       for relabel and convert, the size estimate; else null
 */
public record AuditEntry(String cloud, String id, String name, String owner, String status, boolean hidden,
                         String declaredFormat, String realFormat, String subformat, Long virtualSize, Long size,
                         Boolean safe, List<String> checks, Action action, String target, String reason,
                         ReadPath read, long bytesRead, SizeEstimate estimate) {

    public AuditEntry {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    public boolean inspected() {
        return realFormat != null;
    }
}
