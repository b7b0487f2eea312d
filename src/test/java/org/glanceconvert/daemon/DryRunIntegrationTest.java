package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.ImageQuery;
import org.glanceconvert.glance.JsonPatch;
import org.glanceconvert.log.Action;
import org.glanceconvert.log.ConversionRecord;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --dry-run} against the real Glance: every decision is logged with dry_run true and
 * the action it would take, nothing in Glance changes (the images' JSON is compared whole, before
 * and after), and the decisions are remembered in the work directory: unchanged images are not
 * read again, also after a restart; an edited image is decided again.
 */
@Tag("integration")
class DryRunIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void decidesEverythingChangesNothingAndRemembers() throws Exception {
        QemuImg.assumeAvailable();
        try (DaemonIt it = new DaemonIt()) {
            Path raw = TestImages.patternedRaw(dir.resolve("disk.raw"), 2L << 20, 5);
            Path qcow2 = QemuImg.convert(raw, "raw", dir.resolve("disk.qcow2"), "qcow2", null);
            Path backing = dir.resolve("backing.qcow2");
            QemuImg.run("create", "-q", "-f", "qcow2", "-u", "-b", "/etc/hosts", "-F", "raw", backing.toString(), "2M").orThrow();
            Path config = it.writeConfig(dir, "dry_run: true\n", it.cloud("dry", "raw", "delete", "deactivate", null));
            Path log = dir.resolve("conversions.jsonl");

            Map<String, Action> expected = new LinkedHashMap<>();
            Daemon daemon = it.start(config, "dry-run-it");
            try {
                String tag = it.tag("dry");
                expected.put(it.put(it.demo, "would-convert", "raw", qcow2, n -> n.tag(tag)).id(), Action.CONVERT);
                expected.put(it.put(it.demo, "would-relabel", "vmdk", raw, n -> n.tag(tag)).id(), Action.RELABEL);
                expected.put(it.put(it.demo, "would-reject", "qcow2", backing, n -> n.tag(tag)).id(), Action.REJECT);
                expected.put(it.put(it.demo, "would-be-ok", "raw", raw, n -> n.tag(tag)).id(), Action.OK);
                Map<String, ObjectNode> before = snapshot(it, tag);
                assertEquals(expected.keySet(), before.keySet());

                for (Map.Entry<String, Action> e : expected.entrySet()) {
                    ConversionRecord r = await(log, e.getKey());
                    assertEquals(e.getValue(), r.action(), r.reason());
                    assertEquals(Boolean.TRUE, r.dryRun());
                    assertEquals("dry run: would " + e.getValue().id(), r.result());
                }
                Thread.sleep(6000); // three more polls
                for (String id : expected.keySet()) {
                    assertEquals(1, decisions(log, id), "decided once, not at every poll: " + id);
                }
                assertEquals(before, snapshot(it, tag), "a dry run changes nothing in Glance");
                for (String id : expected.keySet()) {
                    assertTrue(it.copiesOf(id).isEmpty(), "no claim, no copy");
                }
            } finally {
                daemon.stop(Duration.ofSeconds(10));
            }
            assertTrue(Files.readString(dir.resolve("work/dry/state/dry-run-decisions.jsonl")).contains(
                    expected.keySet().iterator().next()));

            // A restart remembers; an edited image is new.
            daemon = it.start(config, "dry-run-it");
            try {
                String edited = expected.keySet().iterator().next();
                Thread.sleep(5000);
                for (String id : expected.keySet()) {
                    assertEquals(1, decisions(log, id), "remembered across a restart: " + id);
                }
                it.demo.patch(edited, JsonPatch.create().set("os_distro", "debian"));
                long end = System.nanoTime() + WAIT.toNanos();
                while (decisions(log, edited) < 2 && System.nanoTime() < end) {
                    Thread.sleep(250);
                }
                assertEquals(2, decisions(log, edited), "an edited image is decided again");
            } finally {
                daemon.stop(Duration.ofSeconds(10));
            }
        }
    }

    private static Map<String, ObjectNode> snapshot(DaemonIt it, String tag) throws Exception {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (GlanceImage i : it.service.listAll(ImageQuery.all().visibility("all").tag(tag))) {
            out.put(i.id(), i.json());
        }
        return out;
    }

    private static long decisions(Path log, String id) throws Exception {
        return DaemonIt.records(log, id).stream().filter(r -> r.action() != Action.SKIP).count();
    }

    private static ConversionRecord await(Path log, String id) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
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
