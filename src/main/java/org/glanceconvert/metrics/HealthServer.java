package org.glanceconvert.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves /metrics (Prometheus text format), /healthz (the process answers: 200, with the state of
 * parts that only degrade the daemon, such as its notification listeners) and /readyz (every
 * readiness check passes: 200, else 503 with the failing checks; degraded checks are warnings and
 * keep it ready), on a configurable address that defaults to 127.0.0.1.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private HealthServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static HealthServer start(String host, int port, Metrics metrics, List<ReadinessCheck> checks)
            throws IOException {
        return start(host, port, metrics, checks, List.of());
    }

    /**
     * @param details checks shown by /healthz below its "ok" line; they never change its status and
     *                must be cheap (no network: liveness probes are frequent)
     */
    public static HealthServer start(String host, int port, Metrics metrics, List<ReadinessCheck> checks,
                                     List<ReadinessCheck> details) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);
        server.createContext("/metrics", ex -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            writer.write(body, metrics.registry().scrape());
            respond(ex, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
        });
        server.createContext("/healthz", ex -> {
            StringBuilder text = new StringBuilder("ok\n");
            for (ReadinessCheck c : details) {
                text.append(safely(c).line());
            }
            respond(ex, 200, "text/plain; charset=utf-8", text.toString().getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/readyz", ex -> {
            List<ReadinessCheck.Status> results = new ArrayList<>();
            for (ReadinessCheck c : checks) {
                results.add(safely(c));
            }
            boolean ready = results.stream().allMatch(ReadinessCheck.Status::ok);
            StringBuilder text = new StringBuilder(ready ? "ready\n" : "not ready\n");
            for (ReadinessCheck.Status s : results) {
                text.append(s.line());
            }
            respond(ex, ready ? 200 : 503, "text/plain; charset=utf-8", text.toString().getBytes(StandardCharsets.UTF_8));
        });
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "health-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new HealthServer(server, executor);
    }

    private static ReadinessCheck.Status safely(ReadinessCheck check) {
        try {
            return check.check();
        } catch (RuntimeException e) {
            return new ReadinessCheck.Status(check.getClass().getSimpleName(), false, e.toString());
        }
    }

    private static void respond(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", type);
            if ("HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The port actually bound (when 0 was asked for). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
