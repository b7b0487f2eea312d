package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.log.Action;
import org.glanceconvert.log.ConversionRecord;
import org.glanceconvert.testing.QemuImg;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash trials (issue 8): the daemon as a separate JVM is killed with SIGKILL at a chosen phase
 * of a conversion, plus a random delay, then started again; after every trial nothing is lost.
 *
 * <p>Phases are recognised from what Glance shows of the copy (the claim is the copy, so its
 * state is the daemon's progress as any replica sees it): DOWNLOAD = the daemon's log line of
 * the claim, or the copy claimed or converting and still queued (the source is being read by
 * range requests for its content digest);
 * UPLOAD = copy saving (the conversion streams into the upload); VERIFY = copy active, still
 * converting (the daemon reads it back); FINISH = copy verified (metadata, original policy).
 *
 * <p>Invariants after each trial: right after the kill the original is active with its
 * original md5 and os_hash_value and at most one copy exists (hidden ones included); once the
 * restarted daemon has settled exactly one copy exists, active and done, its bytes equal to the
 * source disk by {@code qemu-img compare}, the original downloads with its original checksums,
 * and the conversion log and the daemon's output tell what happened.
 *
 * <p>The normal integration run does one trial per phase ({@code -Dcrash.trials=4}); a longer
 * run picks phases and sources at random: {@code -Dcrash.trials=24 [-Dcrash.seed=N]
 * [-Dcrash.mib=48]}. A summary line is printed; it, each trial's line, the daemons' output and the conversion log
 * are kept under target/crash-trials/.
 */
@Tag("integration")
class CrashTrialsIntegrationTest {
    enum Phase { DOWNLOAD, UPLOAD, VERIFY, FINISH, DONE }

    /** An image needing conversion on a cloud: what is uploaded and what the copy must be. */
    record Source(String cloud, String declared, Path file, String target, String qemuTarget) {
    }

    @TempDir
    Path dir;

    /** Every daemon started, so that a failed trial leaves none running. */
    private final List<DaemonProcess> daemons = new ArrayList<>();

    @Test
    void killedAtRandomPointsOfConversionsNothingIsLost() throws Exception {
        QemuImg.assumeAvailable();
        int trials = Integer.getInteger("crash.trials", 4);
        String only = System.getProperty("crash.phase");
        long seed = Long.getLong("crash.seed", System.nanoTime());
        long size = Long.getLong("crash.mib", 48) << 20;
        SplittableRandom random = new SplittableRandom(seed);
        try (DaemonIt it = new DaemonIt()) {
            Path raw = randomRaw(dir.resolve("disk.raw"), size, seed);
            List<Source> sources = List.of(
                    new Source("crashraw", "raw", QemuImg.convert(raw, "raw", dir.resolve("disk.qcow2"), "qcow2", null),
                            "raw", "raw"),
                    new Source("crashqcow", "vmdk", QemuImg.convert(raw, "raw", dir.resolve("disk.vmdk"), "vmdk",
                            "subformat=streamOptimized"), "qcow2", "qcow2"));
            Path config = it.writeConfig(dir, null, it.cloud("crashraw", "raw", "hide", "tag", null),
                    it.cloud("crashqcow", "qcow2", "keep", "tag", null));
            CopyIds ids = new CopyIds(it.namespace);
            Map<Phase, Integer> hit = new EnumMap<>(Phase.class);
            List<String> lines = new ArrayList<>();
            int launches = 0;
            DaemonProcess daemon = DaemonProcess.start(it, config, dir.resolve("daemon-" + launches++ + ".log"), "crash");
            daemons.add(daemon);
            long started = System.nanoTime();
            try {
                for (int t = 0; t < trials; t++) {
                    Phase want = only != null ? Phase.valueOf(only)
                            : trials <= 4 ? Phase.values()[t % 4] : Phase.values()[random.nextInt(4)];
                    Source source = trials <= 4 ? sources.get(t % 2) : sources.get(random.nextInt(2));
                    int delayMs = random.nextInt(want == Phase.FINISH ? 60 : 250);
                    Phase actual = null;
                    // A phase passed before it was seen is tried again with a fresh image (at most 3 times).
                    for (int tries = 0; tries < 3 && (actual == null || actual == Phase.DONE); tries++) {
                        Trial trial = new Trial(it, ids, source, raw, t, want, delayMs);
                        actual = trial.run(daemon, config);
                        if (trial.restarted != daemon) {
                            launches++;
                        }
                        daemon = trial.restarted;
                        lines.add(trial.summary());
                        System.out.println("crash trial " + trial.summary());
                    }
                    hit.merge(actual, 1, Integer::sum);
                }
            } catch (Throwable e) {
                daemons.forEach(DaemonProcess::close);
                keepLogs(lines);
                throw e;
            }
            assertEquals(0, daemon.stop(), "SIGTERM after the trials exits 0");
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            String summary = "crash trials: " + trials + " (seed " + seed + ", " + (size >> 20) + " MiB, " + launches
                    + " daemon starts, " + seconds + " s); killed in phase " + hit + "; originals lost or altered: 0; "
                    + "duplicate copies: 0; unverified copies: 0";
            System.out.println(summary);
            lines.add(summary);
            keepLogs(lines);
            if (trials <= 4) {
                assertTrue(hit.keySet().stream().filter(p -> p != Phase.DONE).count() >= Math.min(trials, 3),
                        "the phases were hit: " + hit);
            }
        }
    }

    /** The trial lines, the daemons' output and the conversion log, under target/crash-trials. */
    private void keepLogs(List<String> lines) throws IOException {
        Path target = Path.of("target");
        if (!Files.isDirectory(target)) {
            return;
        }
        Path logs = Files.createDirectories(target.resolve("crash-trials"));
        Files.writeString(logs.resolve("trials.txt"), String.join("\n", lines) + "\n");
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".jsonl")).toList()) {
                Files.copy(f, logs.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** One upload, one SIGKILL, one restart, and the checks. */
    private final class Trial {
        final DaemonIt it;
        final CopyIds ids;
        final Source source;
        final Path raw;
        final int number;
        final Phase want;
        final int delayMs;
        DaemonProcess restarted;
        Phase seen;
        Phase killedIn;
        long settleMillis;
        String copyId;
        int finalAttempt;
        final java.util.Set<String> failures = new java.util.LinkedHashSet<>();

        Trial(DaemonIt it, CopyIds ids, Source source, Path raw, int number, Phase want, int delayMs) {
            this.it = it;
            this.ids = ids;
            this.source = source;
            this.raw = raw;
            this.number = number;
            this.want = want;
            this.delayMs = delayMs;
        }

        Phase run(DaemonProcess daemon, Path config) throws Exception {
            String md5 = DaemonIt.digest(source.file, "MD5");
            String sha512 = DaemonIt.digest(source.file, "SHA-512");
            GlanceImage original = it.put(it.demo, "crash-" + number + "-" + source.cloud, source.declared, source.file,
                    n -> n.tag(it.tag(source.cloud)));
            String firstCopy = ids.idFor(original.id(), source.target, 1);

            long end = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (true) {
                if (System.nanoTime() > end) {
                    fail("trial " + number + ": no conversion seen:\n" + daemon.tail(20_000));
                }
                if (!daemon.process.isAlive()) {
                    fail("the daemon exited on its own:\n" + daemon.tail(20_000));
                }
                // The claim's log line marks the start of the download phase at once; Glance (one
                // worker here) may answer a GET only after a running upload has ended.
                Phase p = want == Phase.DOWNLOAD && DaemonIt.read(daemon.output).contains("as copy " + firstCopy)
                        ? Phase.DOWNLOAD : phaseOf(it.get(firstCopy));
                if (p != null && p.ordinal() >= want.ordinal()) {
                    seen = p;
                    break;
                }
                Thread.sleep(15);
            }
            if (seen != Phase.DONE) {
                if (delayMs > 0) {
                    Thread.sleep(delayMs);
                }
                daemon.kill();
            }
            GlanceImage after = it.get(firstCopy);
            Phase left = phaseOf(after);
            killedIn = left != null && left.ordinal() > seen.ordinal() ? left : seen;

            // Right after the kill: the original is intact, there is at most one copy.
            GlanceImage o = it.get(original.id());
            assertEquals("active", o.status(), "trial " + number + ": the original stays active");
            assertEquals(md5, o.checksum(), "trial " + number + ": the original's md5");
            assertEquals(sha512, o.osHashValue(), "trial " + number + ": the original's os_hash_value");
            List<GlanceImage> copies = it.copiesOf(original.id());
            assertTrue(copies.size() <= 1, "trial " + number + ": at most one copy after the kill: " + copies);

            restarted = killedIn == Phase.DONE ? daemon
                    : DaemonProcess.start(it, config, dir.resolve("daemon-" + number + "-" + source.cloud + "-" + killedIn + ".log"),
                    "crash");
            daemons.add(restarted);
            long t0 = System.nanoTime();
            try {
                settle(original.id());
                settleMillis = (System.nanoTime() - t0) / 1_000_000;
                check(original, md5, sha512, restarted);
            } catch (AssertionError e) {
                throw new AssertionError("trial " + number + " (" + source.cloud + ", killed in " + killedIn + "): "
                        + e.getMessage() + "\n--- killed daemon ---\n" + daemon.tail(15_000)
                        + "\n--- restarted daemon ---\n" + restarted.tail(15_000), e);
            }
            return killedIn;
        }

        /** Waits until the original is done and its only copy is done. */
        private void settle(String originalId) throws Exception {
            long end = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (System.nanoTime() < end) {
                GlanceImage o = it.get(originalId);
                String copy = o == null ? null : o.property(Properties.COPY_ID).orElse(null);
                if (o != null && "done".equals(o.property(Properties.STATE).orElse(null)) && copy != null) {
                    GlanceImage c = it.get(copy);
                    if (c != null && "done".equals(c.property(Properties.STATE).orElse(null))) {
                        return;
                    }
                }
                if (o != null && "failed".equals(o.property(Properties.STATE).orElse(null))) {
                    // A recorded failure is allowed when it is tried again; giving up is not.
                    String reason = o.property(Properties.REASON).orElse("");
                    if (failures.add(reason)) {
                        System.out.println("crash trial " + number + ": failed attempt recorded, to be retried: " + reason);
                    }
                    if (CopyIds.attemptOf(o) >= 3) {
                        fail("the original stays failed after " + CopyIds.attemptOf(o) + " attempts: " + reason);
                    }
                }
                Thread.sleep(250);
            }
            fail("not settled within 180 s: " + it.get(originalId));
        }

        private void check(GlanceImage original, String md5, String sha512, DaemonProcess d) throws Exception {
            List<GlanceImage> copies = it.copiesOf(original.id());
            assertEquals(1, copies.size(), "exactly one copy: " + copies);
            GlanceImage copy = copies.get(0);
            copyId = copy.id();
            finalAttempt = CopyIds.attemptOf(copy);
            assertEquals("active", copy.status());
            assertEquals("done", copy.property(Properties.STATE).orElse(null));
            assertEquals(source.target, copy.diskFormat());
            GlanceImage o = it.get(original.id());
            assertEquals(copy.id(), o.property(Properties.COPY_ID).orElse(null));
            assertEquals("active", o.status(), "policies hide and keep leave the original active");
            assertEquals(md5, o.checksum());
            assertEquals(sha512, o.osHashValue());

            Path back = it.download(o, dir.resolve("original.back"));
            assertEquals(md5, DaemonIt.digest(back, "MD5"), "the original downloads with its original bytes");
            assertEquals(sha512, DaemonIt.digest(back, "SHA-512"));
            Path copyFile = it.download(copy, dir.resolve("copy.back"));
            QemuImg.Result same = QemuImg.compare(raw, "raw", copyFile, source.qemuTarget);
            assertEquals(0, same.exitCode(), "the copy holds the source disk: " + same.stdout() + same.stderr());

            // The story: the conversion log ends in one done conversion naming the copy ...
            List<ConversionRecord> records = DaemonIt.records(dir.resolve("conversions.jsonl"), original.id());
            List<ConversionRecord> done = records.stream()
                    .filter(r -> r.action() == Action.CONVERT && r.result() != null && r.result().startsWith("done")).toList();
            assertEquals(1, done.size(), "one done conversion in the log: " + records);
            assertEquals(copy.id(), done.get(0).newImageId());
            // ... and the restarted daemon says what it did with the killed attempt.
            String out = DaemonIt.read(d.output);
            if (killedIn == Phase.FINISH) {
                assertTrue(finalAttempt == 1 ? out.contains(copy.id()) : out.contains("abandoned by crash/"),
                        "the takeover of the verified copy is logged");
            } else if (killedIn != Phase.DONE) {
                assertTrue(finalAttempt >= 2, "the killed attempt's copy was deleted and its id burnt");
                assertTrue(out.contains("abandoned by crash/"), "the abandoned attempt is logged");
            }
            it.service.delete(copy.id());
            it.service.delete(original.id());
            Files.deleteIfExists(back);
            Files.deleteIfExists(copyFile);
        }

        String summary() {
            return String.format("#%d %s want=%s seen=%s killed=%s delay=%dms settled=%dms attempt=%d failures=%s", number,
                    source.cloud, want, seen, killedIn, delayMs, settleMillis, finalAttempt, failures);
        }
    }

    static Phase phaseOf(GlanceImage copy) {
        if (copy == null) {
            return null;
        }
        String state = copy.property(Properties.STATE).orElse("");
        return switch (state) {
            case "claimed" -> Phase.DOWNLOAD;
            case "converting" -> switch (copy.status()) {
                case "saving" -> Phase.UPLOAD;
                case "active" -> Phase.VERIFY;
                default -> Phase.DOWNLOAD;
            };
            case "verified" -> Phase.FINISH;
            case "done" -> Phase.DONE;
            default -> null;
        };
    }

    /** Incompressible data, so every phase lasts long enough to be hit. */
    private static Path randomRaw(Path file, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long pos = 0; pos < size; pos += block.length) {
                random.nextBytes(block);
                if ((pos >> 20) % 5 == 3) {
                    ch.position(pos + block.length); // a hole now and then: sparse handling is part of the path
                    continue;
                }
                ch.write(ByteBuffer.wrap(block), pos);
            }
            ch.truncate(size);
            if (ch.size() < size) {
                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
        }
        return file;
    }
}
