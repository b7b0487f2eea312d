package org.glanceconvert.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BooleanSupplier;
import org.glanceconvert.log.Action;

/**
 * The daemon's Prometheus metrics. One instance per process; its registry is what
 * {@link HealthServer} serves on /metrics.
 */
public final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter seen;
    private final Counter decided;
    private final Counter bytesRead;
    private final Counter bytesWritten;
    private final Histogram duration;
    private final Gauge inFlight;
    private final Gauge lastPoll;
    /** Per cloud with notifications: whether its listener consumes now. */
    private final Map<String, BooleanSupplier> consuming = new ConcurrentSkipListMap<>();

    public Metrics() {
        seen = Counter.builder().name("glance_convert_images_seen_total")
                .help("Images considered, per cloud").labelNames("cloud").register(registry);
        decided = Counter.builder().name("glance_convert_images_total")
                .help("Decisions taken, per cloud and action (ok, relabel, convert, reject, skip, fail)")
                .labelNames("cloud", "action").register(registry);
        bytesRead = Counter.builder().name("glance_convert_read_bytes_total")
                .help("Image bytes downloaded from Glance").labelNames("cloud").register(registry);
        bytesWritten = Counter.builder().name("glance_convert_written_bytes_total")
                .help("Image bytes uploaded to Glance").labelNames("cloud").register(registry);
        duration = Histogram.builder().name("glance_convert_conversion_duration_seconds")
                .help("Time from the start of a download to the verified new image").unit(Unit.SECONDS)
                .classicUpperBounds(1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600, 7200)
                .labelNames("cloud").register(registry);
        inFlight = Gauge.builder().name("glance_convert_conversions_in_flight")
                .help("Images being processed right now").register(registry);
        lastPoll = Gauge.builder().name("glance_convert_last_successful_poll_timestamp_seconds")
                .help("Unix time of the last successful poll of each cloud's Glance").labelNames("cloud")
                .register(registry);
        GaugeWithCallback.builder().name("glance_convert_notifications_consuming")
                .help("1 while a cloud's notification listener consumes its queue, 0 while degraded to polling")
                .labelNames("cloud")
                .callback(cb -> consuming.forEach((cloud, now) -> cb.call(now.getAsBoolean() ? 1 : 0, cloud)))
                .register(registry);
    }

    /** Also exports the JVM's own metrics (heap, GC, threads). */
    public Metrics withJvmMetrics() {
        JvmMetrics.builder().register(registry);
        return this;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void seen(String cloud) {
        seen.labelValues(cloud).inc();
    }

    public void decided(String cloud, Action action) {
        decided.labelValues(cloud, action.id()).inc();
    }

    public void bytesRead(String cloud, long bytes) {
        bytesRead.labelValues(cloud).inc(bytes);
    }

    public void bytesWritten(String cloud, long bytes) {
        bytesWritten.labelValues(cloud).inc(bytes);
    }

    public void conversionTook(String cloud, Duration d) {
        duration.labelValues(cloud).observe(d.toNanos() / 1e9);
    }

    /** Marks one conversion in flight until the returned handle is closed. */
    public AutoCloseable inFlight() {
        inFlight.inc();
        return inFlight::dec;
    }

    /** Exports {@code glance_convert_notifications_consuming{cloud}}, read at each scrape. */
    public void notificationsConsuming(String cloud, BooleanSupplier consumingNow) {
        consuming.put(cloud, consumingNow);
    }

    public void polled(String cloud, long epochMillis) {
        lastPoll.labelValues(cloud).set(epochMillis / 1000.0);
    }
}
