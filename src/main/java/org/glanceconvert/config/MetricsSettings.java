package org.glanceconvert.config;

/** The HTTP endpoint for Prometheus metrics, /healthz and /readyz. */
public record MetricsSettings(boolean enabled, String bind, int port) {
}
