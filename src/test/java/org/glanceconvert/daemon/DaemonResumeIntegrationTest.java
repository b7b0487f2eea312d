package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.JsonPatch;
import org.glanceconvert.glance.NewImage;
import org.glanceconvert.glance.UploadBody;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that died after verifying a copy but before finishing leaves exactly what these tests
 * build by hand: a hidden, verified copy with a stale heartbeat, and an original not yet marked.
 * A new process finishes such a copy (same id, no new attempt), but only after
 * reading it back and comparing it with the original: a copy whose content does not match is
 * deleted and the image converted again.
 */
@Tag("integration")
class DaemonResumeIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void aVerifiedCopyLeftByADeadProcessIsFinishedAndATamperedOneIsRedone() throws Exception {
        QemuImg.assumeAvailable();
        try (DaemonIt it = new DaemonIt()) {
            Path raw = TestImages.patternedRaw(dir.resolve("d.raw"), 3L << 20, 21);
            Path qcow2 = QemuImg.convert(raw, "raw", dir.resolve("d.qcow2"), "qcow2", null);
            Path other = TestImages.patternedRaw(dir.resolve("other.raw"), 3L << 20, 22);
            String tag = it.tag("resume");

            GlanceImage good = it.put(it.demo, "resume-good", "qcow2", qcow2, n -> n.tag(tag).property("os_distro", "debian"));
            GlanceImage bad = it.put(it.demo, "resume-tampered", "qcow2", qcow2, n -> n.tag(tag));
            String goodCopy = leftBehind(it, good, raw);
            String badCopy = leftBehind(it, bad, other);

            Path config = it.writeConfig(dir, null, it.cloud("resume", "raw", "hide", "tag", null));
            Daemon daemon = it.start(config, "new-replica");
            try {
                GlanceImage original = it.await(good.id(), DaemonIt.state("done"), Duration.ofSeconds(90), "resumed");
                assertEquals(goodCopy, original.property(Properties.COPY_ID).orElse(null), "the left copy, no new attempt");
                assertTrue(original.isHidden());
                GlanceImage copy = it.await(goodCopy, DaemonIt.state("done"), Duration.ofSeconds(30), "copy done");
                assertFalse(copy.isHidden(), "revealed");
                assertEquals("resume-good", copy.name());
                assertEquals("debian", copy.property("os_distro").orElse(null));
                assertEquals(List.of(goodCopy), it.copiesOf(good.id()).stream().map(GlanceImage::id).toList());

                GlanceImage redone = it.await(bad.id(), DaemonIt.state("done"), Duration.ofSeconds(90), "redone");
                it.await(redone.property(Properties.COPY_ID).orElseThrow(), DaemonIt.state("done"), Duration.ofSeconds(30), "copy done");
                assertTrue(it.get(badCopy) == null, "the tampered copy is deleted");
                List<GlanceImage> copies = it.copiesOf(bad.id());
                assertEquals(1, copies.size());
                assertEquals(2, CopyIds.attemptOf(copies.get(0)));
                assertEquals(redone.property(Properties.COPY_ID).orElse(null), copies.get(0).id());
                assertEquals(DaemonIt.digest(raw, "SHA-512"), copies.get(0).osHashValue());
            } finally {
                daemon.stop(Duration.ofSeconds(10));
            }
            String log = DaemonIt.read(dir.resolve("conversions.jsonl"));
            assertTrue(log.contains("done (resumed)"), log);
            assertTrue(log.contains("content digest"), "the tampered copy's failure says why");
        }
    }

    /** A verified copy of attempt 1 holding {@code content}, as a process that died just after verifying leaves it. */
    private static String leftBehind(DaemonIt it, GlanceImage original, Path content) throws Exception {
        String id = new CopyIds(it.namespace).idFor(original.id(), "raw", 1);
        it.service.create(NewImage.named("glance-convert copy of " + original.id()).id(id).diskFormat("raw")
                .visibility("private").hidden(true).owner(original.owner())
                .property(Properties.SOURCE_ID, original.id()).property(Properties.ATTEMPT, "1")
                .property(Properties.STATE, "converting").property(Properties.CLAIMANT, "dead-replica/0"));
        it.remember(id);
        it.service.upload(id, UploadBody.ofFile(content));
        // After the upload: Glance writes back the properties the image had when the upload began.
        it.service.patch(id, JsonPatch.create().set(Properties.STATE, "verified")
                .set(Properties.HEARTBEAT, Long.toString(Instant.now().minusSeconds(3600).getEpochSecond())));
        return id;
    }
}
