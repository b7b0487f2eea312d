package org.glanceconvert.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glanceconvert.log.Action;
import org.junit.jupiter.api.Test;

/** Over real HTTP on 127.0.0.1. */
class HealthServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(HealthServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesMetricsHealthAndReadiness() throws Exception {
        Metrics metrics = new Metrics();
        AtomicBoolean glanceUp = new AtomicBoolean(true);
        ReadinessCheck glance = () -> new ReadinessCheck.Status("cloud ceph glance", glanceUp.get(),
                glanceUp.get() ? "token valid" : "connection refused");
        try (HealthServer server = HealthServer.start("127.0.0.1", 0, metrics, List.of(glance))) {
            metrics.seen("ceph");
            metrics.decided("ceph", Action.RELABEL);
            metrics.bytesRead("ceph", 4096);
            metrics.conversionTook("ceph", Duration.ofSeconds(3));
            metrics.polled("ceph", 1_700_000_000_000L);
            try (AutoCloseable ignored = metrics.inFlight()) {
                HttpResponse<String> m = get(server, "/metrics");
                assertEquals(200, m.statusCode());
                String body = m.body();
                assertTrue(body.contains("glance_convert_images_total{action=\"relabel\",cloud=\"ceph\"} 1.0"), body);
                assertTrue(body.contains("glance_convert_images_seen_total{cloud=\"ceph\"} 1.0"), body);
                assertTrue(body.contains("glance_convert_read_bytes_total{cloud=\"ceph\"} 4096.0"), body);
                assertTrue(body.contains("glance_convert_conversions_in_flight 1.0"), body);
                assertTrue(body.contains("glance_convert_conversion_duration_seconds_count{cloud=\"ceph\"} 1"), body);
                assertTrue(body.contains("glance_convert_last_successful_poll_timestamp_seconds{cloud=\"ceph\"} 1.7E9"), body);
            }
            assertEquals(200, get(server, "/healthz").statusCode());
            assertEquals(200, get(server, "/readyz").statusCode());
            glanceUp.set(false);
            HttpResponse<String> notReady = get(server, "/readyz");
            assertEquals(503, notReady.statusCode());
            assertTrue(notReady.body().contains("FAIL cloud ceph glance: connection refused"), notReady.body());
        }
    }

    @Test
    void aBrokerOutageIsAWarningNotUnreadinessAndShowsInHealthAndMetrics() throws Exception {
        Metrics metrics = new Metrics();
        AtomicBoolean consuming = new AtomicBoolean(true);
        metrics.notificationsConsuming("ceph", consuming::get);
        ReadinessCheck bus = () -> consuming.get()
                ? new ReadinessCheck.Status("notifications ceph", true, "consuming queue glance-convert")
                : ReadinessCheck.Status.degraded("notifications ceph", "degraded to polling: Connection refused");
        ReadinessCheck glance = () -> new ReadinessCheck.Status("cloud ceph", true, "Keystone token and Glance listing ok");
        try (HealthServer server = HealthServer.start("127.0.0.1", 0, metrics, List.of(bus, glance), List.of(bus))) {
            assertTrue(get(server, "/metrics").body().contains("glance_convert_notifications_consuming{cloud=\"ceph\"} 1.0"));
            assertTrue(get(server, "/healthz").body().contains("ok   notifications ceph: consuming queue glance-convert"));

            consuming.set(false);
            HttpResponse<String> ready = get(server, "/readyz");
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(ready.body().startsWith("ready\n"), ready.body());
            assertTrue(ready.body().contains("warn notifications ceph: degraded to polling: Connection refused"), ready.body());
            HttpResponse<String> health = get(server, "/healthz");
            assertEquals(200, health.statusCode());
            assertTrue(health.body().startsWith("ok\n"), health.body());
            assertTrue(health.body().contains("warn notifications ceph: degraded to polling"), health.body());
            String m = get(server, "/metrics").body();
            assertTrue(m.contains("glance_convert_notifications_consuming{cloud=\"ceph\"} 0.0"), m);
        }
    }
}
