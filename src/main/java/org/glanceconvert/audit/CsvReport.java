package org.glanceconvert.audit;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code --format csv}: a header row, then one row per image (RFC 4180 quoting; checks joined by ';'). */
public final class CsvReport {
    public static final List<String> HEADER = List.of("cloud", "id", "name", "owner", "status", "hidden",
            "declared_format", "real_format", "subformat", "virtual_size", "size", "safe", "checks", "action", "target",
            "reason", "read", "bytes_read", "estimated_size", "estimate_delta", "estimate_basis");

    private CsvReport() {
    }

    public static void write(List<AuditEntry> entries, PrintWriter out) {
        out.print(row(HEADER));
        for (AuditEntry e : entries) {
            SizeEstimate est = e.estimate();
            List<String> cells = new ArrayList<>(HEADER.size());
            cells.add(e.cloud());
            cells.add(e.id());
            cells.add(e.name());
            cells.add(e.owner());
            cells.add(e.status());
            cells.add(Boolean.toString(e.hidden()));
            cells.add(e.declaredFormat());
            cells.add(e.realFormat());
            cells.add(e.subformat());
            cells.add(str(e.virtualSize()));
            cells.add(str(e.size()));
            cells.add(str(e.safe()));
            cells.add(String.join(";", e.checks()));
            cells.add(e.action().id());
            cells.add(e.target());
            cells.add(e.reason());
            cells.add(e.read().id());
            cells.add(Long.toString(e.bytesRead()));
            cells.add(est == null ? null : str(est.targetSize()));
            cells.add(est == null ? null : str(est.delta()));
            cells.add(est == null ? null : est.basis().id());
            out.print(row(cells));
        }
        out.flush();
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    static String row(List<String> cells) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(quote(cells.get(i)));
        }
        return s.append("\r\n").toString();
    }

    /**
     * Empty for null; quoted when it holds a comma, quote, CR or LF. Image names and reasons are
     * chosen by any user: a text cell a spreadsheet would run as a formula gets a leading {@code '}.
     */
    static String quote(String cell) {
        if (cell == null) {
            return "";
        }
        if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0 && !cell.matches("-?\\d+")) {
            cell = "'" + cell;
        }
        if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
            return cell;
        }
        return '"' + cell.replace("\"", "\"\"") + '"';
    }
}
