package org.glanceconvert.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One cloud of clouds.yaml as glance-convert uses it: how to authenticate, and which image
 * endpoint of the catalog to use (region and interface), with the TLS settings for both.
 *
 * @param name      the entry's key under {@code clouds:}
 * @param source    the file it came from (for messages)
 * @param region    {@code region_name}; null means the catalog must offer exactly one region
 * @param endpointInterface {@code interface}: public (default), internal or admin
 * @param cacert    {@code cacert}: a PEM bundle to trust instead of the system's, or null
 * @param verify    {@code verify}: false turns TLS verification off (logged loudly)
 */
public record CloudEntry(
        String name,
        Path source,
        CloudAuth auth,
        String region,
        String endpointInterface,
        Path cacert,
        boolean verify) {

    public Optional<String> regionName() {
        return Optional.ofNullable(region);
    }
}
