package org.glanceconvert.glance;

/** The Glance endpoint chosen from the catalog: its root URL (no trailing slash, no /v2). */
public record ImageEndpoint(String url, String region, String endpointInterface) {
}
