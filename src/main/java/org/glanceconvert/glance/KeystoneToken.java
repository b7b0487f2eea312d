package org.glanceconvert.glance;

import java.time.Instant;
import java.util.List;

/** What a Keystone v3 token request yields: the token, its lifetime, its project and the catalog. */
record KeystoneToken(String id, Instant issuedAt, Instant expiresAt, String projectId, List<CatalogEndpoint> catalog) {

    @Override
    public String toString() {
        return "KeystoneToken[project " + projectId + ", expires " + expiresAt + "]";
    }
}
