package org.glanceconvert.daemon;

import java.util.List;
import org.glanceconvert.log.Action;

/**
 * The outcome of the decision table for one image.
 *
 * @param action        what to do
 * @param targetFormat  the disk_format the cloud should end up with (null for skip/reject)
 * @param reason        why, in one sentence (always set)
 * @param checks        the failed check ids when rejected
 */
public record Decision(Action action, String targetFormat, String reason, List<String> checks) {

    public Decision {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    static Decision skip(String reason) {
        return new Decision(Action.SKIP, null, reason, List.of());
    }
}
