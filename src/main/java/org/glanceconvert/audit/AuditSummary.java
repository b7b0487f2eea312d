package org.glanceconvert.audit;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.glanceconvert.log.Action;

/** Totals over the audited images: what they are, what is unsafe, what conversion would cost. */
public final class AuditSummary {
    private long images;
    private long inspected;
    private long unsafe;
    private final Map<Action, Long> byAction = new EnumMap<>(Action.class);
    private final Map<ReadPath, Long> byReadPath = new EnumMap<>(ReadPath.class);
    private final Map<String, Long> declaredToReal = new TreeMap<>();
    private final Map<String, Long> unsafeByCheck = new TreeMap<>();
    private long bytesAdded;
    private long bytesSaved;
    private long estimatesUnknown;
    private long bytesRead;

    public void add(AuditEntry e) {
        images++;
        bytesRead += e.bytesRead();
        byAction.merge(e.action(), 1L, Long::sum);
        byReadPath.merge(e.read(), 1L, Long::sum);
        if (e.inspected()) {
            inspected++;
            declaredToReal.merge(transition(e.declaredFormat(), e.realFormat()), 1L, Long::sum);
        }
        if (Boolean.FALSE.equals(e.safe())) {
            unsafe++;
            // An image failing two checks counts once under each.
            e.checks().stream().distinct().forEach(c -> unsafeByCheck.merge(c, 1L, Long::sum));
        }
        SizeEstimate est = e.estimate();
        if (est != null) {
            if (est.delta() == null) {
                estimatesUnknown++;
            } else if (est.delta() > 0) {
                bytesAdded += est.delta();
            } else {
                bytesSaved -= est.delta();
            }
        }
    }

    /** "declared->real", with "none" for an image without a disk_format. */
    public static String transition(String declared, String real) {
        return (declared == null || declared.isEmpty() ? "none" : declared) + "->" + real;
    }

    public long images() {
        return images;
    }

    public long inspected() {
        return inspected;
    }

    public long unsafe() {
        return unsafe;
    }

    /** Every action, zero included, in the shared order. */
    public Map<Action, Long> byAction() {
        Map<Action, Long> out = new EnumMap<>(Action.class);
        for (Action a : Action.values()) {
            out.put(a, byAction.getOrDefault(a, 0L));
        }
        return out;
    }

    public Map<ReadPath, Long> byReadPath() {
        Map<ReadPath, Long> out = new EnumMap<>(ReadPath.class);
        for (ReadPath p : ReadPath.values()) {
            out.put(p, byReadPath.getOrDefault(p, 0L));
        }
        return out;
    }

    public Map<String, Long> declaredToReal() {
        return new TreeMap<>(declaredToReal);
    }

    public Map<String, Long> unsafeByCheck() {
        return new TreeMap<>(unsafeByCheck);
    }

    /** Sum of the estimated growth of the conversions that grow an image. */
    public long bytesAdded() {
        return bytesAdded;
    }

    /** Sum of the estimated shrinkage of the conversions that shrink an image. */
    public long bytesSaved() {
        return bytesSaved;
    }

    /** Conversions whose size cannot be estimated without reading the data (not in added/saved). */
    public long estimatesUnknown() {
        return estimatesUnknown;
    }

    public long bytesRead() {
        return bytesRead;
    }
}
