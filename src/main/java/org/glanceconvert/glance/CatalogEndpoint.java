package org.glanceconvert.glance;

/** One endpoint of the Keystone catalog: service type, interface, region and URL. */
record CatalogEndpoint(String serviceType, String endpointInterface, String region, String url) {
}
