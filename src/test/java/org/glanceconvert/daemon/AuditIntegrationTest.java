package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.glanceconvert.audit.AuditEntry;
import org.glanceconvert.audit.AuditFormat;
import org.glanceconvert.audit.AuditRun;
import org.glanceconvert.audit.CatalogAudit;
import org.glanceconvert.audit.Progress;
import org.glanceconvert.audit.ReadPath;
import org.glanceconvert.config.CloudsYaml;
import org.glanceconvert.config.DaemonConfig;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.ImageQuery;
import org.glanceconvert.log.Action;
import org.glanceconvert.log.ConversionRecord;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit} against the real Glance: a catalog seeded with every case of the decision table
 * is reported correctly, by range reads (the file store answers 206), and neither {@code audit}
 * nor {@code run --dry-run} changes anything in Glance: every image updated since the test began
 * (which would include anything either mode created or patched) is compared whole before and after.
 */
@Tag("integration")
class AuditIntegrationTest {
    private static final long SIZE = 2L << 20;

    @TempDir
    Path dir;

    /** What the audit must say about one seeded image. */
    private record Expected(String declared, String real, String subformat, Action action, String target, String check) {
    }

    @Test
    void auditsEveryDecisionTableCaseAndNeitherModeChangesAnything() throws Exception {
        QemuImg.assumeAvailable();
        try (DaemonIt it = new DaemonIt()) {
            Instant began = Instant.now().minusSeconds(2);
            Path raw = TestImages.patternedRaw(dir.resolve("disk.raw"), SIZE, 7);
            Path qcow2 = QemuImg.convert(raw, "raw", dir.resolve("disk.qcow2"), "qcow2", null);
            Path stream = QemuImg.convert(raw, "raw", dir.resolve("disk.vmdk"), "vmdk", "subformat=streamOptimized");
            Path backing = dir.resolve("backing.qcow2");
            QemuImg.run("create", "-q", "-f", "qcow2", "-u", "-b", "/etc/hosts", "-F", "raw", backing.toString(), "2M").orThrow();
            Path descriptor = dir.resolve("host-file.vmdk");
            Files.writeString(descriptor, "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
                    + "createType=\"monolithicFlat\"\n\n# Extent description\nRW 8 FLAT \"/etc/passwd\" 0\n\n"
                    + "# The Disk Data Base\n#DDB\n\nddb.virtualHWVersion = \"4\"\nddb.adapterType = \"ide\"\n");
            Path iso = Path.of("src/test/resources/corpus/real/iso9660.raw");

            String tag = it.tag("audit");
            Map<String, Expected> expected = new HashMap<>();
            expected.put(it.put(it.demo, "flat-vmdk", "vmdk", raw, n -> n.tag(tag)).id(),
                    new Expected("vmdk", "raw", null, Action.RELABEL, "raw", null));
            expected.put(it.put(it.demo, "qcow2-as-raw", "raw", qcow2, n -> n.tag(tag).hidden(true)).id(),
                    new Expected("raw", "qcow2", null, Action.CONVERT, "raw", null));
            expected.put(it.put(it.demo, "stream-vmdk", "vmdk", stream, n -> n.tag(tag)).id(),
                    new Expected("vmdk", "vmdk", "streamOptimized", Action.CONVERT, "raw", null));
            expected.put(it.put(it.demo, "backing-file", "qcow2", backing, n -> n.tag(tag)).id(),
                    new Expected("qcow2", "qcow2", null, Action.REJECT, null, "qcow2.backing_file"));
            expected.put(it.put(it.demo, "host-extent", "vmdk", descriptor, n -> n.tag(tag)).id(),
                    new Expected("vmdk", "vmdk", null, Action.REJECT, null, "vmdk.extent_file"));
            expected.put(it.put(it.demo, "right-raw", "raw", raw, n -> n.tag(tag)).id(),
                    new Expected("raw", "raw", null, Action.OK, "raw", null));
            expected.put(it.put(it.demo, "boot-iso", "iso", iso, n -> n.tag(tag)).id(),
                    new Expected("iso", "iso", null, Action.OK, "iso", null));
            Path config = it.writeConfig(dir, null, it.cloud("audit", "raw", "hide", "deactivate", null));
            Map<String, ObjectNode> before = changedSince(it, began);
            assertTrue(before.keySet().containsAll(expected.keySet()), "the hidden image is listed too");

            DaemonConfig cfg = it.load(config);
            CloudsYaml clouds = CloudsYaml.load(it.env.cloudsYaml(), Optional.empty());
            StringWriter progress = new StringWriter();
            CatalogAudit.Result result = AuditRun.run(cfg, clouds, AuditRun.select(cfg, "audit"), began, null,
                    new Progress(new PrintWriter(progress), false, 0, System::nanoTime));
            assertTrue(progress.toString().contains("audit: " + result.entries().size() + "/" + result.entries().size()
                    + " images"), progress.toString());

            Map<String, AuditEntry> byId = new HashMap<>();
            result.entries().forEach(e -> byId.put(e.id(), e));
            for (Map.Entry<String, Expected> x : expected.entrySet()) {
                AuditEntry e = byId.get(x.getKey());
                Expected want = x.getValue();
                assertNotNull(e, "audited: " + x.getKey());
                String what = e.name() + ": " + e;
                assertEquals(want.declared(), e.declaredFormat(), what);
                assertEquals(want.real(), e.realFormat(), what);
                if (want.subformat() != null) {
                    assertEquals(want.subformat(), e.subformat(), what);
                }
                assertEquals(want.action(), e.action(), what);
                assertEquals(want.target(), e.target(), what);
                assertEquals(it.env.get("KEYSTONE_DEMO_PROJECT_ID"), e.owner(), what);
                assertEquals(ReadPath.RANGE, e.read(), "the file store serves 206: " + what);
                assertTrue(e.bytesRead() > 0, what);
                if (want.check() == null) {
                    assertEquals(Boolean.TRUE, e.safe(), what);
                    assertTrue(e.checks().isEmpty(), what);
                } else {
                    assertEquals(Boolean.FALSE, e.safe(), what);
                    assertTrue(e.checks().contains(want.check()), what);
                }
                if (want.action() == Action.CONVERT || want.action() == Action.RELABEL) {
                    assertNotNull(e.estimate(), what);
                } else {
                    assertNull(e.estimate(), what);
                }
            }
            AuditEntry qcow2Entry = result.entries().stream().filter(e -> e.name().equals("qcow2-as-raw")).findFirst().orElseThrow();
            assertTrue(qcow2Entry.hidden());
            assertEquals(SIZE, qcow2Entry.virtualSize());
            assertTrue(qcow2Entry.bytesRead() < qcow2Entry.size(), "range reads fetch less than the image: " + qcow2Entry);
            assertEquals(SIZE - qcow2Entry.size(), qcow2Entry.estimate().delta());

            StringWriter json = new StringWriter();
            AuditFormat.JSON.write(result.entries(), result.summary(), new PrintWriter(json));
            JsonNode root = new ObjectMapper().readTree(json.toString());
            assertEquals(result.entries().size(), root.path("images").size());
            JsonNode summary = root.path("summary");
            assertTrue(summary.path("declared_to_real").path("raw->qcow2").asLong() >= 1, summary.toString());
            assertTrue(summary.path("declared_to_real").path("vmdk->raw").asLong() >= 1, summary.toString());
            assertTrue(summary.path("unsafe_by_check").path("qcow2.backing_file").asLong() >= 1, summary.toString());
            assertTrue(summary.path("unsafe_by_check").path("vmdk.extent_file").asLong() >= 1, summary.toString());
            assertEquals(result.entries().size(), summary.path("read").path("range").asLong()
                    + summary.path("read").path("none").asLong(), "nothing streamed: " + summary);

            // --limit keeps the oldest (created_at, then id), hidden or not
            CatalogAudit.Result firstThree = AuditRun.run(cfg, clouds, AuditRun.select(cfg, null), began, 3,
                    new Progress(new PrintWriter(new StringWriter()), false, 0, System::nanoTime));
            assertEquals(result.entries().subList(0, 3).stream().map(AuditEntry::id).toList(),
                    firstThree.entries().stream().map(AuditEntry::id).toList());
            assertEquals(3, firstThree.summary().images());
            List<String> listed = CatalogAudit.list(it.service, began).stream().map(GlanceImage::id).toList();
            assertEquals(listed, result.entries().stream().map(AuditEntry::id).toList(), "listing order");
            List<GlanceImage> all = CatalogAudit.list(it.service, began);
            for (int i = 1; i < all.size(); i++) {
                GlanceImage a = all.get(i - 1);
                GlanceImage b = all.get(i);
                assertTrue(a.createdAt().isBefore(b.createdAt())
                        || a.createdAt().equals(b.createdAt()) && a.id().compareTo(b.id()) < 0, "oldest first: " + all);
            }

            assertEquals(before, changedSince(it, began), "audit changes nothing in Glance");

            // run --dry-run on the same catalog: decides the same and changes nothing either.
            Path dryConfig = dir.resolve("dry");
            Files.createDirectories(dryConfig);
            Daemon daemon = it.start(it.writeConfig(dryConfig, "dry_run: true\nstart_from: " + began + "\n", it.cloud("audit", "raw", "hide", "deactivate", null)),
                    "audit-it");
            try {
                for (Map.Entry<String, Expected> x : expected.entrySet()) {
                    ConversionRecord r = awaitDecision(dryConfig.resolve("conversions.jsonl"), x.getKey());
                    assertEquals(x.getValue().action(), r.action(), r.reason());
                    assertEquals(Boolean.TRUE, r.dryRun());
                }
            } finally {
                daemon.stop(Duration.ofSeconds(10));
            }
            assertEquals(before, changedSince(it, began), "run --dry-run changes nothing in Glance");
            for (String id : expected.keySet()) {
                assertTrue(it.copiesOf(id).isEmpty(), "no copy made of " + id);
            }
            assertFalse(Files.exists(cfg.workDir()) && Files.list(cfg.workDir()).anyMatch(p -> p.getFileName().toString()
                    .startsWith(".audit-")), "the audit's staging directory is removed");
        }
    }

    /**
     * Every image, hidden or not, any status, updated at or after {@code since}, as Glance returns
     * it: a PATCH, tag, deactivation or new image by anyone shows up here as a difference.
     */
    private static Map<String, ObjectNode> changedSince(DaemonIt it, Instant since) throws Exception {
        Map<String, ObjectNode> out = new TreeMap<>();
        for (GlanceImage i : CatalogAudit.list(it.service, since)) {
            out.put(i.id(), i.json());
        }
        return out;
    }

    private static ConversionRecord awaitDecision(Path log, String id) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < end) {
            List<ConversionRecord> rs = DaemonIt.records(log, id).stream().filter(r -> r.action() != Action.SKIP).toList();
            if (!rs.isEmpty()) {
                return rs.get(0);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no dry-run decision for " + id);
    }
}
