package org.glanceconvert.audit;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.glanceconvert.cli.Sizes;
import org.glanceconvert.log.Action;

/** {@code --format table}: one aligned row per image, then the summary, for people. */
public final class TableReport {
    static final List<String> HEADER = List.of("CLOUD", "ID", "NAME", "OWNER", "DECLARED", "REAL", "VIRTUAL SIZE",
            "SAFE", "ACTION", "TARGET", "READ");
    private static final int MAX_NAME = 32;

    private TableReport() {
    }

    public static void write(List<AuditEntry> entries, AuditSummary summary, PrintWriter out) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (AuditEntry e : entries) {
            rows.add(List.of(e.cloud(), e.id(), name(e.name()), dash(e.owner()), dash(e.declaredFormat()), real(e),
                    e.virtualSize() == null ? "-" : Sizes.human(e.virtualSize()), safe(e), e.action().id(),
                    dash(e.target()), e.read().id()));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(i == 0 ? "" : "  ").append(i == r.size() - 1 ? r.get(i) : pad(r.get(i), widths[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        out.println();
        summary(summary, out);
        out.flush();
    }

    static void summary(AuditSummary s, PrintWriter out) {
        out.println("images: " + s.images() + " (inspected " + s.inspected() + ", unsafe " + s.unsafe() + ")");
        StringBuilder actions = new StringBuilder("actions:");
        for (Map.Entry<Action, Long> a : s.byAction().entrySet()) {
            actions.append(' ').append(a.getKey().id()).append('=').append(a.getValue());
        }
        out.println(actions);
        StringBuilder reads = new StringBuilder("read:");
        s.byReadPath().forEach((p, n) -> reads.append(' ').append(p.id()).append('=').append(n));
        out.println(reads + " (" + Sizes.human(s.bytesRead()) + " received)");
        out.println("declared -> real format:");
        if (s.declaredToReal().isEmpty()) {
            out.println("  (none inspected)");
        }
        s.declaredToReal().forEach((k, v) -> out.println("  " + k.replace("->", " -> ") + ": " + v));
        out.println("unsafe images by check:");
        if (s.unsafeByCheck().isEmpty()) {
            out.println("  (none)");
        }
        s.unsafeByCheck().forEach((k, v) -> out.println("  " + k + ": " + v));
        out.println("conversion would add " + Sizes.human(s.bytesAdded()) + " and save " + Sizes.human(s.bytesSaved())
                + " (estimates; " + s.estimatesUnknown() + " conversion" + (s.estimatesUnknown() == 1 ? "" : "s")
                + " not estimable without reading the data)");
    }

    private static String real(AuditEntry e) {
        if (e.realFormat() == null) {
            return "-";
        }
        return e.subformat() == null ? e.realFormat() : e.realFormat() + " (" + e.subformat() + ")";
    }

    private static String safe(AuditEntry e) {
        if (e.safe() == null) {
            return "-";
        }
        return e.safe() ? "yes" : "no: " + String.join(",", e.checks());
    }

    /** Names are user input: control characters become '?', long names are cut. */
    private static String name(String name) {
        if (name == null || name.isEmpty()) {
            return "-";
        }
        StringBuilder s = new StringBuilder();
        name.codePoints().forEach(c -> s.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return s.length() > MAX_NAME ? s.substring(0, MAX_NAME - 1) + "…" : s.toString();
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
