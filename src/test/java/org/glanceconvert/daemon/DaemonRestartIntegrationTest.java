package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.testing.QemuImg;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as operators run it, a separate JVM ({@code glance-convert run --config}), killed
 * with SIGKILL in the middle of a conversion and started again: the original stays intact and
 * usable throughout, the abandoned copy is deleted, exactly one verified copy results; and
 * SIGTERM stops it with exit status 0. Its whole output is checked for secrets.
 */
@Tag("integration")
class DaemonRestartIntegrationTest {
    private static final long SIZE = 64L << 20;

    @TempDir
    Path dir;

    @Test
    void killedMidConversionThenRestartedMakesExactlyOneCopy() throws Exception {
        QemuImg.assumeAvailable();
        try (DaemonIt it = new DaemonIt()) {
            Path raw = randomRaw(dir.resolve("disk.raw"), SIZE);
            Path qcow2 = QemuImg.convert(raw, "raw", dir.resolve("disk.qcow2"), "qcow2", null);
            Path config = it.writeConfig(dir, null, it.cloud("restart", "raw", "hide", "tag", null));
            Path out1 = dir.resolve("first.log");
            Path out2 = dir.resolve("second.log");

            GlanceImage original = startAndKillMidConversion(it, qcow2, config, out1, "restart-it");
            GlanceImage intact = it.get(original.id());
            assertEquals("active", intact.status(), "the original is untouched by the crash");
            assertFalse(intact.isHidden());
            assertTrue(intact.property(Properties.STATE).isEmpty(), intact.json().toString());
            assertEquals(original.osHashValue() == null ? intact.osHashValue() : original.osHashValue(), intact.osHashValue());

            Process second = DaemonProcess.launch(it, config, out2, "restart-it");
            try {
                GlanceImage done = DaemonProcess.withOutput(() -> it.await(original.id(), DaemonIt.state("done"), Duration.ofSeconds(120),
                        "done after restart"), out1, out2);
                List<GlanceImage> copies = it.copiesOf(original.id());
                assertEquals(1, copies.size(), "exactly one copy: " + copies);
                GlanceImage copy = it.await(copies.get(0).id(), DaemonIt.state("done"), Duration.ofSeconds(30), "copy done");
                assertEquals(2, CopyIds.attemptOf(copy), "the abandoned attempt's id is burnt; the next one is used");
                assertEquals(copy.id(), done.property(Properties.COPY_ID).orElse(null));
                assertEquals(DaemonIt.digest(raw, "SHA-512"), copy.osHashValue(), "the copy holds exactly the source disk");
                assertTrue(done.isHidden(), "original: hide");
                assertEquals("active", done.status());
            } finally {
                second.destroy(); // SIGTERM
                assertTrue(second.waitFor(60, TimeUnit.SECONDS), "stops within the grace period");
            }
            assertEquals(0, second.exitValue(), "a clean SIGTERM shutdown exits 0");

            String output = DaemonIt.read(out1) + DaemonIt.read(out2) + DaemonIt.read(dir.resolve("conversions.jsonl"));
            assertTrue(output.contains("abandoned"), "the takeover is logged");
            for (String key : List.of("GLANCE_CONVERT_PASSWORD", "DEMO_PASSWORD", "KEYSTONE_ADMIN_PASSWORD",
                    "GLANCE_CONVERT_APP_CRED_SECRET")) {
                String secret = it.env.find(key).orElse(null);
                assertTrue(secret == null || !output.contains(secret), key + " reached the daemon's output");
            }
            assertFalse(output.contains(it.namespace.toString()), "the id namespace reached the daemon's output");
            assertFalse(output.contains("gAAAAA"), "a token reached the daemon's output");
        }
    }

    @Test
    void anotherReplicaTakesAKilledReplicasImageOverOnceTheLeaseExpires() throws Exception {
        QemuImg.assumeAvailable();
        try (DaemonIt it = new DaemonIt()) {
            Path raw = randomRaw(dir.resolve("disk.raw"), SIZE);
            Path qcow2 = QemuImg.convert(raw, "raw", dir.resolve("disk.qcow2"), "qcow2", null);
            Path podA = Files.createDirectories(dir.resolve("pod-a"));
            Path podB = Files.createDirectories(dir.resolve("pod-b"));
            GlanceImage original = startAndKillMidConversion(it, qcow2,
                    it.writeConfig(podA, null, it.cloud("lease", "raw", "keep", "tag", null)), podA.resolve("out.log"), "pod-a");

            // Another pod: its own work directory (no horizon), another replica name, the same cloud.
            Path configB = it.writeConfig(podB, "start_from: now\npoll_overlap: 0s\n",
                    it.cloud("lease", "raw", "keep", "tag", null));
            long started = System.nanoTime();
            Process b = DaemonProcess.launch(it, configB, podB.resolve("out.log"), "pod-b");
            try {
                GlanceImage done = DaemonProcess.withOutput(() -> it.await(original.id(), DaemonIt.state("done"), Duration.ofSeconds(120),
                        "taken over"), podA.resolve("out.log"), podB.resolve("out.log"));
                long seconds = (System.nanoTime() - started) / 1_000_000_000L;
                List<GlanceImage> copies = it.copiesOf(original.id());
                assertEquals(1, copies.size(), "exactly one copy: " + copies);
                GlanceImage copy = it.await(copies.get(0).id(), DaemonIt.state("done"), Duration.ofSeconds(30), "copy done");
                assertEquals(2, CopyIds.attemptOf(copy));
                assertEquals(DaemonIt.digest(raw, "SHA-512"), copy.osHashValue());
                assertEquals("big-qcow2", copy.name());
                assertEquals("big-qcow2 (original)", done.name());
                assertTrue(seconds >= 5, "pod-b waited for pod-a's lease (" + seconds + " s)");
            } finally {
                b.destroy();
                assertTrue(b.waitFor(60, TimeUnit.SECONDS));
            }
            assertTrue(DaemonIt.read(podB.resolve("out.log")).contains("abandoned by pod-a/"),
                    DaemonIt.read(podB.resolve("out.log")));
        }
    }

    /** Starts a daemon process, uploads the image, and SIGKILLs the process while it converts. */
    private GlanceImage startAndKillMidConversion(DaemonIt it, Path qcow2, Path config, Path out, String replica)
            throws Exception {
        Process first = DaemonProcess.launch(it, config, out, replica);
        try {
            DaemonProcess.awaitLog(out, "running", first, 60);
            String tag = tagOf(config);
            GlanceImage original = it.put(it.demo, "big-qcow2", "qcow2", qcow2, n -> n.tag(tag));
            GlanceImage working = awaitCopyInProgress(it, original.id(), first, out);
            first.destroyForcibly(); // SIGKILL: no cleanup of any kind
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            assertNotEquals(0, first.exitValue());
            assertEquals(1, CopyIds.attemptOf(working));
            return original;
        } finally {
            first.destroyForcibly();
        }
    }

    /** The tag the configuration's only cloud takes. */
    private static String tagOf(Path config) throws IOException {
        String yaml = Files.readString(config);
        int i = yaml.indexOf("tag: [") + 6;
        return yaml.substring(i, yaml.indexOf(']', i));
    }

    /** Waits for a copy of {@code sourceId} that is claimed or converting, not yet verified. */
    private static GlanceImage awaitCopyInProgress(DaemonIt it, String sourceId, Process p, Path output) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end) {
            for (GlanceImage c : it.copiesOf(sourceId)) {
                String state = c.property(Properties.STATE).orElse("");
                if (state.equals("converting")) {
                    return c;
                }
                if (state.equals("verified") || state.equals("done")) {
                    throw new AssertionError("the conversion finished before the test could kill it; make the image bigger");
                }
            }
            if (!p.isAlive()) {
                throw new AssertionError("the daemon exited " + p.exitValue() + ":\n" + DaemonIt.read(output));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no copy in progress appeared:\n" + DaemonIt.read(output));
    }

    /** Incompressible data, so the conversion and upload take long enough to be interrupted. */
    private static Path randomRaw(Path file, long size) throws IOException {
        SplittableRandom random = new SplittableRandom(99);
        byte[] block = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long pos = 0; pos < size; pos += block.length) {
                random.nextBytes(block);
                ch.write(ByteBuffer.wrap(block));
            }
        }
        return file;
    }
}
