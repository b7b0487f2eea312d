package org.glanceconvert.audit;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The report's output formats ({@code --format}). */
public enum AuditFormat {
    TABLE {
        @Override
        public void write(List<AuditEntry> entries, AuditSummary summary, PrintWriter out) {
            TableReport.write(entries, summary, out);
        }
    },
    JSON {
        @Override
        public void write(List<AuditEntry> entries, AuditSummary summary, PrintWriter out) {
            JsonReport.write(entries, summary, out);
        }
    },
    CSV {
        @Override
        public void write(List<AuditEntry> entries, AuditSummary summary, PrintWriter out) {
            CsvReport.write(entries, out);
        }
    };

    public abstract void write(List<AuditEntry> entries, AuditSummary summary, PrintWriter out);

    public static AuditFormat parse(String text) {
        for (AuditFormat f : values()) {
            if (f.name().equalsIgnoreCase(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + text + "' (table, json, csv)");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
