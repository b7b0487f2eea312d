package org.glanceconvert.daemon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.glanceconvert.config.CloudsYaml;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.log.Action;
import org.glanceconvert.log.ConversionRecord;
import org.glanceconvert.testing.QemuImg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on the wire between the daemon and the real Glance (issue 8): a WireMock proxy stands
 * in front of Keystone and Glance (the token's catalog is rewritten so the image endpoint is the
 * proxy) and spoils chosen responses: a connection cut in the middle of a download, a body cut
 * short, a wrong checksum, 500 and 409 on create, 413 and 401 (an expired token) on upload.
 * Each ends in a retry that finishes the conversion or in a recorded failure with its reason;
 * the original is untouched and there is never more than one copy.
 */
@Tag("integration")
class WireFaultsIntegrationTest {
    private static final long SIZE = 4L << 20;

    /** Spoils the n next responses to requests matching a method and a path pattern. */
    static final class Spoiler implements ResponseTransformerV2 {
        record Rule(String method, String pathRegex, AtomicInteger left, UnaryOperator<Response> spoil) {
        }

        final List<Rule> rules = new CopyOnWriteArrayList<>();
        final AtomicInteger spoiled = new AtomicInteger();
        volatile String glanceUrl;
        volatile String proxyUrl;

        void add(String method, String pathRegex, int times, UnaryOperator<Response> spoil) {
            rules.add(new Rule(method, pathRegex, new AtomicInteger(times), spoil));
        }

        @Override
        public Response transform(Response response, ServeEvent event) {
            String path = event.getRequest().getUrl();
            int q = path.indexOf('?');
            String bare = q < 0 ? path : path.substring(0, q);
            if (bare.equals("/v3/auth/tokens") && response.getStatus() == 201) {
                return withBody(response, response.getBodyAsString().replace(glanceUrl, proxyUrl).getBytes(StandardCharsets.UTF_8));
            }
            for (Rule r : rules) {
                if (r.method.equals(event.getRequest().getMethod().value()) && bare.matches(r.pathRegex)
                        && r.left.getAndDecrement() > 0) {
                    spoiled.incrementAndGet();
                    return r.spoil.apply(response);
                }
            }
            return response;
        }

        @Override
        public String getName() {
            return "spoiler";
        }
    }

    static Response withBody(Response r, byte[] body) {
        List<HttpHeader> headers = r.getHeaders().all().stream()
                .filter(h -> !h.keyEquals("Content-Length") && !h.keyEquals("Transfer-Encoding")).toList();
        return Response.Builder.like(r).but().headers(new HttpHeaders(headers)).body(body).build();
    }

    static Response status(Response r, int status, String message) {
        return Response.Builder.like(r).but().status(status)
                .headers(new HttpHeaders(new HttpHeader("Content-Type", "application/json")))
                .body("{\"message\": \"" + message + "\", \"code\": " + status + "}").build();
    }

    @TempDir
    Path dir;

    private final Spoiler spoiler = new Spoiler();
    private WireMockServer wm;
    private DaemonIt it;
    private Path raw;
    private Path qcow2;

    @BeforeEach
    void proxy() throws Exception {
        QemuImg.assumeAvailable();
        it = new DaemonIt();
        wm = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().extensions(spoiler));
        wm.start();
        spoiler.glanceUrl = it.env.get("GLANCE_URL");
        spoiler.proxyUrl = wm.baseUrl();
        String keystone = it.env.get("KEYSTONE_URL");
        String keystoneBase = keystone.substring(0, keystone.indexOf("/v3"));
        wm.stubFor(any(urlPathMatching("/v3(/.*)?")).atPriority(1).willReturn(aResponse().proxiedFrom(keystoneBase)));
        wm.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(spoiler.glanceUrl)));
        raw = dir.resolve("disk.raw");
        byte[] block = new byte[1 << 20];
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        try (var out = Files.newOutputStream(raw)) {
            for (long n = 0; n < SIZE; n += block.length) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        qcow2 = QemuImg.convert(raw, "raw", dir.resolve("disk.qcow2"), "qcow2", null);
    }

    @AfterEach
    void close() {
        if (wm != null) {
            wm.stop();
        }
        if (it != null) {
            it.close();
        }
    }

    /** Runs the daemon through the proxy on one qcow2 labelled raw; returns the original once settled. */
    private Outcome convertThroughFaults(String cloud, Faults faults) throws Exception {
        Path clouds = dir.resolve("clouds.yaml");
        String keystone = it.env.get("KEYSTONE_URL");
        Files.writeString(clouds, Files.readString(it.env.cloudsYaml()).replace(keystone, wm.baseUrl() + "/v3"));
        Path config = it.writeConfig(dir, null, it.cloud(cloud, "raw", "hide", "tag", null));
        GlanceImage original = it.create(it.demo, "wire-" + cloud, "raw", n -> n.tag(it.tag(cloud)));
        CopyIds ids = new CopyIds(it.namespace);
        faults.install(original.id(), ids.idFor(original.id(), "raw", 1), ids.idFor(original.id(), "raw", 2));
        it.demo.upload(original.id(), org.glanceconvert.glance.UploadBody.ofFile(qcow2));
        GlanceImage before = it.get(original.id());
        String md5 = DaemonIt.digest(qcow2, "MD5");
        String sha512 = DaemonIt.digest(qcow2, "SHA-512");
        assertEquals(md5, before.checksum());

        Daemon daemon = Daemon.start(it.load(config), CloudsYaml.load(clouds, Optional.empty()), "wire", Clock.systemUTC());
        GlanceImage settled = null;
        int maxCopies = 0;
        double failMetric;
        try {
            Instant end = Instant.now().plusSeconds(90);
            while (Instant.now().isBefore(end)) {
                settled = it.get(original.id());
                maxCopies = Math.max(maxCopies, it.copiesOf(original.id()).size());
                String state = settled.property(Properties.STATE).orElse("");
                if (state.equals("done")) {
                    break;
                }
                if (state.equals("failed") && CopyIds.attemptOf(settled) >= 3) {
                    break;
                }
                Thread.sleep(300);
            }
        } finally {
            daemon.stop(Duration.ofSeconds(10));
            failMetric = decisions(daemon, cloud, Action.FAIL); // after the stop: the last record follows its mark
        }
        assertTrue(maxCopies <= 1, "never more than one copy");
        // The original: still there, active, the same bytes as uploaded.
        GlanceImage o = it.get(original.id());
        assertEquals("active", o.status());
        assertEquals(md5, o.checksum());
        assertEquals(sha512, o.osHashValue());
        Path back = it.download(o, dir.resolve("original.back"));
        assertEquals(sha512, DaemonIt.digest(back, "SHA-512"), "the original downloads intact");
        List<GlanceImage> copies = it.copiesOf(original.id());
        String state = o.property(Properties.STATE).orElse("");
        if (state.equals("done")) {
            assertEquals(1, copies.size());
            GlanceImage copy = copies.get(0);
            assertEquals("done", copy.property(Properties.STATE).orElse(null));
            assertEquals(DaemonIt.digest(raw, "SHA-512"), copy.osHashValue(), "the copy holds exactly the source disk");
        } else if (state.equals("failed")) {
            assertEquals(0, copies.size(), "a failed conversion leaves no copy: " + copies);
            assertFalse(o.isHidden(), "a failure does not hide the original");
        } else {
            fail("neither done nor failed after 90 s: " + o.json());
        }
        assertTrue(spoiler.spoiled.get() > 0, "the fault was injected");
        return new Outcome(o, copies, DaemonIt.records(dir.resolve("conversions.jsonl"), original.id()), failMetric);
    }

    /** The value of glance_convert_images_total{cloud, action} the daemon exports. */
    private static double decisions(Daemon daemon, String cloud, Action action) {
        for (var snapshot : daemon.metrics().registry().scrape()) {
            if (snapshot instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot counter
                    && counter.getMetadata().getPrometheusName().equals("glance_convert_images")) {
                for (var point : counter.getDataPoints()) {
                    if (cloud.equals(point.getLabels().get("cloud")) && action.id().equals(point.getLabels().get("action"))) {
                        return point.getValue();
                    }
                }
            }
        }
        return 0;
    }

    record Outcome(GlanceImage original, List<GlanceImage> copies, List<ConversionRecord> records, double failMetric) {
        String state() {
            return original.property(Properties.STATE).orElse("");
        }

        int copyAttempt() {
            return CopyIds.attemptOf(copies.get(0));
        }

        List<String> failures() {
            return records.stream().filter(r -> r.action() == Action.FAIL || (r.result() != null && r.result().contains("fail")))
                    .map(r -> r.reason() + " / " + r.result()).toList();
        }
    }

    @FunctionalInterface
    interface Faults {
        void install(String originalId, String copy1, String copy2);
    }

    @Test
    void aConnectionCutInTheMiddleOfADownloadIsRetried() throws Exception {
        Outcome o = convertThroughFaults("reset", (orig, c1, c2) -> spoiler.add("GET", "/v2/images/" + orig + "/file", 2,
                r -> cutShort(r)));
        assertEquals("done", o.state(), o.failures().toString());
    }

    @Test
    void aTruncatedBodyIsNeverTakenForTheImage() throws Exception {
        // A read that ends early (the client retries it once): an I/O error tried again at the next poll,
        // nothing is claimed or recorded meanwhile, and the first whole read converts it exactly.
        // (After retry.attempts such polls the attempt is recorded failed: the test below.)
        Outcome o = convertThroughFaults("trunc", (orig, c1, c2) -> spoiler.add("GET", "/v2/images/" + orig + "/file", 2,
                r -> cutShort(r)));
        assertEquals(2, spoiler.spoiled.get());
        assertEquals("done", o.state(), o.failures().toString());
        assertEquals(1, o.copyAttempt(), "no attempt was spent on the cut reads");
    }

    @Test
    void anOriginalThatCannotBeReadIsRecordedFailedAfterEachRoundOfTriesAndKept() throws Exception {
        // Every read of the original's data is cut short: after retry.attempts (3) polls in a row
        // the attempt is recorded failed like a failed conversion, the retry backoff applies, and
        // after the third failed attempt the image stays failed: untouched, active, not hidden.
        Outcome o = convertThroughFaults("unread", (orig, c1, c2) -> spoiler.add("GET", "/v2/images/" + orig + "/file",
                Integer.MAX_VALUE, r -> cutShort(r)));
        assertEquals("failed", o.state(), o.original().json().toString());
        assertEquals(3, CopyIds.attemptOf(o.original()));
        String reason = o.original().property(Properties.REASON).orElse("");
        assertTrue(reason.startsWith("gave up after 3 tries in a row, each at a poll: ") && reason.length() > 50, reason);
        List<ConversionRecord> fails = o.records().stream().filter(r -> r.action() == Action.FAIL).toList();
        assertEquals(3, fails.size(), "one fail record per failed attempt: " + o.records());
        for (ConversionRecord r : fails) {
            assertTrue(r.reason().startsWith("gave up after 3 tries in a row"), r.reason());
            assertEquals("failed", r.result());
            assertEquals("raw", r.declaredFormat());
            assertEquals("wire-unread", r.imageName());
        }
        assertEquals(3.0, o.failMetric(), "glance_convert_images_total{action=\"fail\"}");
        assertFalse(o.original().tags().contains(CopyMetadata.UNSAFE_TAG), "a failure is not a rejection");
    }

    @Test
    void aWrongChecksumFromGlanceFailsTheAttemptAndTheNextOneFinishes() throws Exception {
        Outcome o = convertThroughFaults("hash", (orig, c1, c2) -> spoiler.add("GET", "/v2/images/" + c1, Integer.MAX_VALUE,
                r -> r.getBodyAsString().contains("\"status\": \"active\"")
                        ? withBody(r, r.getBodyAsString().replaceAll("\"os_hash_value\": \"[0-9a-f]+\"",
                        "\"os_hash_value\": \"" + "00".repeat(64) + "\"").getBytes(StandardCharsets.UTF_8)) : r));
        assertEquals("done", o.state(), o.failures().toString());
        assertEquals(2, o.copyAttempt(), "attempt 1 failed its verification");
        assertFalse(o.failures().isEmpty(), "the failed attempt is in the conversion log");
    }

    @Test
    void fiveHundredOnCreateIsRetried() throws Exception {
        Outcome o = convertThroughFaults("c500", (orig, c1, c2) -> spoiler.add("POST", "/v2/images", 1,
                r -> status(r, 500, "Internal Server Error")));
        assertEquals("done", o.state(), o.failures().toString());
    }

    @Test
    void conflictOnCreateWithNothingThereMovesToTheNextAttempt() throws Exception {
        Outcome o = convertThroughFaults("c409", (orig, c1, c2) -> spoiler.add("POST", "/v2/images", 1,
                r -> status(r, 409, "Conflict")));
        assertEquals("done", o.state(), o.failures().toString());
    }

    @Test
    void tooLargeOnUploadIsRecordedAsSizeCapOrQuota() throws Exception {
        Outcome o = convertThroughFaults("c413", (orig, c1, c2) -> spoiler.add("PUT", "/v2/images/[^/]+/file",
                Integer.MAX_VALUE, r -> status(r, 413, "Image exceeds the storage quota")));
        assertEquals("failed", o.state());
        String reason = o.original().property(Properties.REASON).orElse("");
        assertTrue(reason.contains("413") && reason.contains("image_size_cap"), reason);
    }

    @Test
    void anExpiredTokenDuringTheUploadEndsInARetryThatFinishes() throws Exception {
        Outcome o = convertThroughFaults("c401", (orig, c1, c2) -> spoiler.add("PUT", "/v2/images/" + c1 + "/file", 1,
                r -> status(r, 401, "The request you have made requires authentication.")));
        assertEquals("done", o.state(), o.failures().toString());
    }

    /** The response with its body cut in half while it still announces the whole length. */
    private static Response cutShort(Response r) {
        byte[] body = r.getBody();
        byte[] half = java.util.Arrays.copyOf(body, body.length / 2);
        return Response.Builder.like(r).but().body(half).build();
    }
}
