package org.glanceconvert.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three output formats pin the shapes docs/contracts.md documents. */
class AuditReportFormatsTest {
    private static final List<AuditEntry> ENTRIES = AuditEntries.sample();
    private static final AuditSummary SUMMARY = AuditEntries.summarize(ENTRIES);

    private static String render(AuditFormat f) {
        StringWriter out = new StringWriter();
        f.write(ENTRIES, SUMMARY, new PrintWriter(out));
        return out.toString();
    }

    @Test
    void jsonHasOneObjectPerImageAndASummary() throws Exception {
        JsonNode root = new ObjectMapper().readTree(render(AuditFormat.JSON));
        assertEquals(List.of("images", "summary"), names(root));
        assertEquals(ENTRIES.size(), root.path("images").size());
        JsonNode convert = root.path("images").get(1);
        assertEquals(List.of("cloud", "id", "name", "owner", "status", "hidden", "declared_format", "real_format",
                "subformat", "virtual_size", "size", "safe", "checks", "action", "target", "reason", "read", "bytes_read",
                "estimate"), names(convert));
        assertEquals("i2", convert.path("id").asText());
        assertEquals("raw", convert.path("declared_format").asText());
        assertEquals("qcow2", convert.path("real_format").asText());
        assertEquals("convert", convert.path("action").asText());
        assertEquals("range", convert.path("read").asText());
        assertEquals(10L << 20, convert.path("estimate").path("target_size").asLong());
        assertEquals(8L << 20, convert.path("estimate").path("delta").asLong());
        assertEquals("virtual_size", convert.path("estimate").path("basis").asText());

        JsonNode unknown = root.path("images").get(2).path("estimate");
        assertTrue(unknown.path("target_size").isNull() && unknown.path("delta").isNull());
        assertEquals("unknown", unknown.path("basis").asText());

        JsonNode rejected = root.path("images").get(3);
        assertEquals(false, rejected.path("safe").asBoolean(true));
        assertEquals("qcow2.data_file", rejected.path("checks").get(1).asText());
        assertTrue(rejected.path("target").isNull() && rejected.path("estimate").isNull());

        JsonNode unread = root.path("images").get(5);
        assertTrue(unread.path("safe").isNull() && unread.path("real_format").isNull());
        assertEquals("none", unread.path("read").asText());

        JsonNode s = root.path("summary");
        assertEquals(List.of("images", "inspected", "unsafe", "actions", "read", "declared_to_real", "unsafe_by_check",
                "conversion_bytes", "bytes_read"), names(s));
        assertEquals(8, s.path("images").asInt());
        assertEquals(List.of("ok", "relabel", "convert", "reject", "skip", "fail"), names(s.path("actions")));
        assertEquals(3, s.path("actions").path("convert").asInt());
        assertEquals(2, s.path("declared_to_real").path("raw->qcow2").asInt());
        assertEquals(2, s.path("unsafe_by_check").path("qcow2.backing_file").asInt());
        assertEquals(8L << 20, s.path("conversion_bytes").path("added").asLong());
        assertEquals(512, s.path("conversion_bytes").path("saved").asLong());
        assertEquals((8L << 20) - 512, s.path("conversion_bytes").path("net").asLong());
        assertEquals(1, s.path("conversion_bytes").path("unknown_estimates").asInt());
    }

    @Test
    void csvHasAHeaderAndOneQuotedRowPerImage() {
        List<String> lines = render(AuditFormat.CSV).lines().toList();
        assertEquals(ENTRIES.size() + 1, lines.size());
        assertEquals(String.join(",", CsvReport.HEADER), lines.get(0));
        assertEquals("c1,i2,q,proj,active,false,raw,qcow2,v3,10485760,2097152,true,,convert,raw,because,range,4096,"
                + "10485760,8388608,virtual_size", lines.get(2));
        assertTrue(lines.get(4).startsWith("c1,i4,\"bad, \"\"evil\"\"\",proj,"), lines.get(4));
        assertTrue(lines.get(4).contains(",false,qcow2.backing_file;qcow2.data_file,reject,,because,"), lines.get(4));
        // a name a spreadsheet would run as a formula is defused
        assertTrue(lines.get(5).startsWith("c1,i5,'=cmd|' /C calc'!A0,"), lines.get(5));
        assertEquals("c1,i6,queued,proj,active,false,raw,,,,0,,,skip,,because,none,0,,,", lines.get(6));
        assertTrue(lines.get(7).endsWith(",-512,stored_data"), "negative numbers are not defused: " + lines.get(7));
        assertTrue(render(AuditFormat.CSV).contains("\r\n"), "RFC 4180 line ends");
    }

    @Test
    void tableHasAlignedRowsAndTheSummary() {
        List<String> lines = render(AuditFormat.TABLE).lines().toList();
        assertTrue(lines.get(0).startsWith("CLOUD  ID  NAME"), lines.get(0));
        int actionColumn = lines.get(0).indexOf("ACTION");
        for (int i = 1; i <= ENTRIES.size(); i++) {
            assertEquals(ENTRIES.get(i - 1).action().id(),
                    lines.get(i).substring(actionColumn).split(" ")[0], "aligned: " + lines.get(i));
        }
        String text = String.join("\n", lines);
        assertTrue(text.contains("vmdk (streamOptimized)"), text);
        assertTrue(text.contains("no: qcow2.backing_file,qcow2.data_file"), text);
        assertTrue(text.contains("images: 8 (inspected 7, unsafe 2)"), text);
        assertTrue(text.contains("actions: ok=1 relabel=1 convert=3 reject=2 skip=1 fail=0"), text);
        assertTrue(text.contains("  raw -> qcow2: 2"), text);
        assertTrue(text.contains("  qcow2.backing_file: 2"), text);
        assertTrue(text.contains("conversion would add 8 MiB and save 512 B (estimates; 1 conversion not estimable"), text);
    }

    @Test
    void tableNamesCannotBreakTheLayout() {
        AuditEntry evil = AuditEntries.entry("i9", "line\nbreak\u001b[2J" + "x".repeat(100), "raw", "raw", null, 1L, 1,
                true, null, org.glanceconvert.log.Action.OK, "raw");
        StringWriter out = new StringWriter();
        TableReport.write(List.of(evil), AuditEntries.summarize(List.of(evil)), new PrintWriter(out));
        String row = out.toString().lines().toList().get(1);
        assertTrue(row.contains("line?break?[2J"), row);
        assertTrue(!row.contains("x".repeat(40)), row);
    }

    @Test
    void progressPrintsPeriodicLinesWhenNotATerminal() {
        long[] now = {-60_000_000_000L};
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), false, 10_000_000_000L, () -> now[0]);
        now[0] = 0; // a minute spent logging in and listing is not part of the rate
        p.start();
        p.update(1, 4);
        now[0] = 11_000_000_000L;
        p.update(2, 4);
        now[0] = 12_000_000_000L;
        p.update(3, 4);
        p.finish(4, 4);
        List<String> lines = err.toString().lines().toList();
        assertEquals(List.of("audit: 2/4 images, 0.2 images/s, 11 s", "audit: 4/4 images, 0.3 images/s, 12 s, done"), lines);
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
