package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.testing.QemuImg;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Glance notifications over the real RabbitMQ of {@code WITH_RABBIT=1 integration-tests/up.sh}
 * (Glance with {@code driver = messagingv2}). Every daemon here polls every 10 minutes, so
 * anything that happens within seconds happened through a notification.
 */
@Tag("integration")
class NotificationsIntegrationTest {
    private static final String SLOW_POLL = "poll_interval: 10m\nlease: 10m\n";
    /** Short lease for takeovers; polls at the 10 s lease only while the bus is down (the safety poll is 10 min). */
    private static final String SHORT_LEASE = "poll_interval: 10s\nlease: 10s\n";

    @TempDir
    Path dir;

    private static String amqpUrl(DaemonIt it) {
        return it.env.find("AMQP_URL").orElseThrow(() -> new AssertionError(
                "no AMQP_URL in the test environment: start the stack with WITH_RABBIT=1 integration-tests/up.sh"));
    }

    private static String withNotifications(String cloud, String url, String queue) {
        return cloud + "    notifications:\n"
                + "      transport_url: " + url + "\n"
                + "      queue: " + queue + "\n"
                + "      safety_poll_interval: 10m\n";
    }

    private static Path smallQcow2(Path dir, String name, long seed) throws IOException {
        Path raw = dir.resolve(name + ".raw");
        byte[] block = new byte[64 << 10];
        new SplittableRandom(seed).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(raw)) {
            for (int i = 0; i < 16; i++) {
                out.write(block);
            }
        }
        return QemuImg.convert(raw, "raw", dir.resolve(name + ".qcow2"), "qcow2", null);
    }

    @Test
    void conversionStartsSecondsAfterTheUploadWhilePollingIsSlow() throws Exception {
        QemuImg.assumeAvailable();
        try (DaemonIt it = new DaemonIt()) {
            Path qcow2 = smallQcow2(dir, "fast", 1);
            String queue = "glance-convert-it-" + it.run;
            Path config = it.writeConfig(dir, SLOW_POLL,
                    withNotifications(it.cloud("fast", "raw", "hide", "tag", null), amqpUrl(it), queue));
            try (Daemon daemon = it.start(config, "fast-it")) {
                awaitFlow(daemon, "fast", true);
                Thread.sleep(500); // the start-up poll is over; the next is 10 minutes away
                GlanceImage original = it.put(it.demo, "fast", "qcow2", qcow2, n -> n.tag(it.tag("fast")));
                long uploaded = System.nanoTime();
                long claimedAt = -1;
                while (System.nanoTime() - uploaded < TimeUnit.SECONDS.toNanos(15)) {
                    if (!it.copiesOf(original.id()).isEmpty()) {
                        claimedAt = System.nanoTime();
                        break;
                    }
                    Thread.sleep(50);
                }
                assertTrue(claimedAt > 0, "no claim within 15 s of the upload (the poll interval is 10 min)");
                double seconds = (claimedAt - uploaded) / 1e9;
                System.out.printf("upload -> claim (conversion start): %.2f s%n", seconds);
                it.await(original.id(), DaemonIt.state("done"), Duration.ofSeconds(60), "converted");
                assertEquals(1, it.copiesOf(original.id()).size());
            } finally {
                deleteQueue(it, queue);
            }
        }
    }

    @ParameterizedTest(name = "{0} replicas")
    @ValueSource(ints = {2, 3})
    void replicasConvertTwentyImagesUploadedAtOnceExactlyOnceEach(int replicas) throws Exception {
        QemuImg.assumeAvailable();
        try (DaemonIt it = new DaemonIt()) {
            String cloud = "rep" + replicas;
            String queue = "glance-convert-it-" + it.run;
            Path qcow2 = smallQcow2(dir, "rep", replicas);
            List<Process> pods = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            try {
                for (int r = 0; r < replicas; r++) {
                    Path pod = Files.createDirectories(dir.resolve("pod-" + r));
                    Path config = it.writeConfig(pod, SLOW_POLL,
                            withNotifications(it.cloud(cloud, "raw", "keep", "tag", null), amqpUrl(it), queue));
                    Path out = pod.resolve("out.log");
                    outputs.add(out);
                    pods.add(DaemonProcess.launch(it, config, out, "pod-" + r, "-XX:TieredStopAtLevel=1"));
                }
                for (int r = 0; r < replicas; r++) {
                    DaemonProcess.awaitLog(outputs.get(r), "consuming Glance notifications", pods.get(r), 90);
                }
                long started = System.nanoTime();
                List<String> ids = uploadAtOnce(it, qcow2, cloud, 20);
                Map<String, Integer> byClaimant = new TreeMap<>();
                for (String id : ids) {
                    GlanceImage done = DaemonProcess.withOutput(() -> it.await(id, DaemonIt.state("done"), Duration.ofSeconds(240),
                            "converted"), outputs.toArray(Path[]::new));
                    assertTrue(done.name().endsWith(" (original)") && !done.name().endsWith(" (original) (original)"),
                            "the original policy applied exactly once: " + done.name());
                    List<GlanceImage> copies = it.copiesOf(id);
                    assertEquals(1, copies.size(), "exactly one copy of " + id + ": " + copies);
                    GlanceImage copy = copies.get(0);
                    assertEquals(1, CopyIds.attemptOf(copy), "no attempt was abandoned");
                    String claimant = copy.property(Properties.CLAIMANT).orElse("?");
                    byClaimant.merge(claimant.substring(0, claimant.indexOf('/') < 0 ? claimant.length()
                            : claimant.indexOf('/')), 1, Integer::sum);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("%d replicas, 20 images: all done in %.1f s, copies by replica %s%n", replicas, seconds,
                        byClaimant);
                assertEquals(20, byClaimant.values().stream().mapToInt(Integer::intValue).sum());
                assertTrue(byClaimant.size() >= 2, "competing consumers share the work: " + byClaimant);
            } finally {
                for (Process p : pods) {
                    p.destroy();
                }
                for (Process p : pods) {
                    p.waitFor(60, TimeUnit.SECONDS);
                    p.destroyForcibly();
                }
                deleteQueue(it, queue);
            }
        }
    }

    @Test
    void aReplicaKilledMidConversionLeavesItsImageToAnotherExactlyOnce() throws Exception {
        QemuImg.assumeAvailable();
        try (DaemonIt it = new DaemonIt()) {
            String queue = "glance-convert-it-" + it.run;
            Path raw = dir.resolve("big.raw");
            byte[] block = new byte[1 << 20];
            SplittableRandom random = new SplittableRandom(7);
            try (OutputStream out = Files.newOutputStream(raw)) {
                for (int i = 0; i < 64; i++) {
                    random.nextBytes(block);
                    out.write(block);
                }
            }
            Path qcow2 = QemuImg.convert(raw, "raw", dir.resolve("big.qcow2"), "qcow2", null);
            Map<String, Process> pods = new TreeMap<>();
            List<Path> outputs = new ArrayList<>();
            try {
                for (String name : List.of("pod-a", "pod-b")) {
                    Path pod = Files.createDirectories(dir.resolve(name));
                    Path config = it.writeConfig(pod, SHORT_LEASE,
                            withNotifications(it.cloud("kill", "raw", "hide", "tag", null), amqpUrl(it), queue));
                    Path out = pod.resolve("out.log");
                    outputs.add(out);
                    pods.put(name, DaemonProcess.launch(it, config, out, name, "-XX:TieredStopAtLevel=1"));
                }
                int i = 0;
                for (Process p : pods.values()) {
                    DaemonProcess.awaitLog(outputs.get(i++), "consuming Glance notifications", p, 90);
                }
                GlanceImage original = it.put(it.demo, "big", "qcow2", qcow2, n -> n.tag(it.tag("kill")));
                GlanceImage working = null;
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (working == null && System.nanoTime() < end) {
                    for (GlanceImage c : it.copiesOf(original.id())) {
                        if ("converting".equals(c.property(Properties.STATE).orElse(null))) {
                            working = c;
                        }
                    }
                    Thread.sleep(20);
                }
                assertTrue(working != null, "no conversion seen in progress");
                String claimant = working.property(Properties.CLAIMANT).orElseThrow();
                String victim = claimant.substring(0, claimant.indexOf('/'));
                pods.get(victim).destroyForcibly(); // SIGKILL mid-conversion
                assertTrue(pods.get(victim).waitFor(30, TimeUnit.SECONDS));
                long killed = System.nanoTime();
                GlanceImage done = DaemonProcess.withOutput(() -> it.await(original.id(), DaemonIt.state("done"),
                        Duration.ofSeconds(120), "taken over"), outputs.toArray(Path[]::new));
                System.out.printf("killed %s mid-conversion; the other replica finished %.1f s later%n", victim,
                        (System.nanoTime() - killed) / 1e9);
                List<GlanceImage> copies = it.copiesOf(original.id());
                assertEquals(1, copies.size(), "exactly one copy: " + copies);
                GlanceImage copy = it.await(copies.get(0).id(), DaemonIt.state("done"), Duration.ofSeconds(30), "copy done");
                assertEquals(2, CopyIds.attemptOf(copy), "the abandoned attempt's id is burnt");
                assertFalse(copy.property(Properties.CLAIMANT).orElse("").startsWith(victim + "/"));
                assertTrue(done.isHidden(), "original: hide, once");
            } finally {
                for (Process p : pods.values()) {
                    p.destroy();
                }
                for (Process p : pods.values()) {
                    p.waitFor(60, TimeUnit.SECONDS);
                    p.destroyForcibly();
                }
                deleteQueue(it, queue);
            }
        }
    }

    @Test
    void aBrokerOutageDegradesToPollingAndMissesNoImage() throws Exception {
        QemuImg.assumeAvailable();
        try (DaemonIt it = new DaemonIt()) {
            Path qcow2 = smallQcow2(dir, "outage", 3);
            String queue = "glance-convert-it-" + it.run;
            Path config = it.writeConfig(dir, SHORT_LEASE,
                    withNotifications(it.cloud("outage", "raw", "hide", "tag", null), amqpUrl(it), queue));
            Broker broker = Broker.of(it);
            try (Daemon daemon = it.start(config, "outage-it")) {
                awaitFlow(daemon, "outage", true);
                GlanceImage before = it.put(it.demo, "before", "qcow2", qcow2, n -> n.tag(it.tag("outage")));
                it.await(before.id(), DaemonIt.state("done"), Duration.ofSeconds(30), "converted before the outage");

                broker.stop();
                awaitFlow(daemon, "outage", false);
                // Still ready (it polls and converts): a broker outage must not stall a rollout; the
                // state shows as a warning in /readyz, in /healthz and in the metrics.
                var ready = health(daemon, "/readyz");
                assertEquals(200, ready.statusCode(), ready.body());
                assertTrue(ready.body().contains("warn notifications outage: degraded to polling"), ready.body());
                assertTrue(health(daemon, "/healthz").body().contains("warn notifications outage: degraded to polling"));
                assertTrue(health(daemon, "/metrics").body().contains("glance_convert_notifications_consuming{cloud=\"outage\"} 0.0"));
                // Glance's notifier gives up after its finite oslo retry (up.sh sets retry = 2, as the
                // README advises; the default -1 would hold this upload until the broker is back): the
                // upload completes while the broker is down, its events are lost, and polling finds it.
                ExecutorService uploader = Executors.newSingleThreadExecutor();
                long uploadStart = System.nanoTime();
                Future<GlanceImage> pending = uploader.submit(
                        () -> it.put(it.demo, "during", "qcow2", qcow2, n -> n.tag(it.tag("outage"))));
                GlanceImage during;
                try {
                    during = pending.get(90, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("Glance held the upload for 90 s while the broker was down: "
                            + "is [oslo_messaging_notifications] retry finite?", e);
                } finally {
                    uploader.shutdownNow();
                }
                System.out.printf("outage: upload took %d ms with the broker down%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - uploadStart));
                // Found by polling while the broker is still down: claimed (the attempt is recorded). Finishing
                // takes longer: every write the daemon makes to Glance waits out the notifier's retry too.
                it.await(during.id(), image -> image.property(Properties.ATTEMPT).isPresent(), Duration.ofSeconds(60),
                        "claimed by polling during the outage");
                assertFalse(daemon.notificationsFlow("outage"), "still degraded: polling found it");
                broker.start();

                awaitFlow(daemon, "outage", true);
                assertTrue(health(daemon, "/readyz").body().contains("ok   notifications outage: consuming"));
                it.await(during.id(), DaemonIt.state("done"), Duration.ofSeconds(120), "converted");
                GlanceImage after = it.put(it.demo, "after", "qcow2", qcow2, n -> n.tag(it.tag("outage")));
                it.await(after.id(), DaemonIt.state("done"), Duration.ofSeconds(30), "converted after the outage");
                for (GlanceImage i : List.of(before, during, after)) {
                    assertEquals(1, it.copiesOf(i.id()).size());
                }
            } finally {
                broker.ensureRunning();
                deleteQueue(it, queue);
            }
        }
    }

    private static java.net.http.HttpResponse<String> health(Daemon daemon, String path) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        return http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + daemon.healthPort() + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> uploadAtOnce(DaemonIt it, Path data, String cloud, int n) throws Exception {
        // Five at a time: the test Glance is one process (workers = 0) and times out under twenty
        // parallel uploads on 2 cores; five keeps every replica's prefetch full all the same.
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 5));
        try {
            List<Future<GlanceImage>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = cloud + "-" + i;
                futures.add(pool.submit(() -> it.put(it.demo, name, "qcow2", data, x -> x.tag(it.tag(cloud)))));
            }
            List<String> ids = new ArrayList<>();
            for (Future<GlanceImage> f : futures) {
                ids.add(f.get(300, TimeUnit.SECONDS).id());
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitFlow(Daemon daemon, String cloud, boolean flowing) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (daemon.notificationsFlow(cloud) != flowing) {
            if (System.nanoTime() > end) {
                throw new AssertionError("notifications of " + cloud + " never " + (flowing ? "flowed" : "stopped"));
            }
            Thread.sleep(100);
        }
    }

    private static void deleteQueue(DaemonIt it, String queue) {
        try {
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(amqpUrl(it).replaceFirst("^rabbit://", "amqp://").replaceFirst("/$", ""));
            try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
                ch.queueDelete(queue);
            }
        } catch (Exception e) {
            // a throw-away broker
        }
    }

    /** The stack's RabbitMQ, stopped and started again by the PID that up.sh recorded, keeping its data. */
    private record Broker(Path run) {
        static Broker of(DaemonIt it) {
            String env = System.getenv("GLANCE_CONVERT_IT_ENV");
            Path run = Path.of(env != null && !env.isBlank() ? env : "/tmp/glance-convert-it/env").getParent();
            assertTrue(Files.exists(run.resolve("rabbit.pid")), "no rabbit.pid in " + run);
            return new Broker(run);
        }

        void stop() throws Exception {
            bash("kill -TERM \"$(cat rabbit.pid)\"; for i in $(seq 60); do kill -0 \"$(cat rabbit.pid)\" 2>/dev/null || exit 0; "
                    + "sleep 0.5; done; exit 1");
        }

        void start() throws Exception {
            bash("source rabbit.env; nohup /usr/lib/rabbitmq/bin/rabbitmq-server > rabbit.stdout 2>&1 < /dev/null & "
                    + "echo $! > rabbit.pid; /usr/lib/rabbitmq/bin/rabbitmqctl --timeout 90 wait --pid \"$(cat rabbit.pid)\" "
                    + "> rabbit-wait.log 2>&1");
        }

        void ensureRunning() throws Exception {
            if (bash0("kill -0 \"$(cat rabbit.pid)\" 2>/dev/null") != 0) {
                start();
            }
        }

        private void bash(String script) throws Exception {
            int rc = bash0(script);
            assertEquals(0, rc, "broker script failed: " + script);
        }

        private int bash0(String script) throws Exception {
            Process p = new ProcessBuilder("bash", "-c", script).directory(run.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            return p.exitValue();
        }
    }
}
