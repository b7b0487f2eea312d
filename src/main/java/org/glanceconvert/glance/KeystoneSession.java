package org.glanceconvert.glance;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.glanceconvert.config.CloudEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A project-scoped Keystone v3 token for one cloud, and the image endpoint its catalog names for
 * the configured region and interface.
 *
 * <p>Thread-safe and free of openstack4j's thread-bound sessions: the authenticator runs under
 * this object's lock and what leaves is a token string any thread may send. A token is renewed
 * ahead of its expiry ({@code tokenRefreshMargin}); after a 401 the caller reports the rejected
 * token with {@link #invalidate(String)}, and the next {@link #token()} fetches a new one (once,
 * however many threads saw the 401).
 */
public final class KeystoneSession {
    private static final Logger LOG = LoggerFactory.getLogger(KeystoneSession.class);

    private final CloudEntry cloud;
    private final Authenticator authenticator;
    private final RetryPolicy retry;
    private final Duration refreshMargin;
    private final Clock clock;

    private KeystoneToken token;
    private ImageEndpoint imageEndpoint;
    private int authentications;

    KeystoneSession(CloudEntry cloud, Authenticator authenticator, ClientOptions options, Clock clock) {
        this.cloud = cloud;
        this.authenticator = authenticator;
        this.retry = options.retry();
        this.refreshMargin = options.tokenRefreshMargin();
        this.clock = clock;
    }

    public CloudEntry cloud() {
        return cloud;
    }

    /** A token valid for at least the refresh margin, authenticating when needed. */
    public synchronized String token() throws IOException {
        if (token == null || !clock.instant().plus(refreshMargin).isBefore(token.expiresAt())) {
            authenticate();
        }
        return token.id();
    }

    /**
     * A token with most of its life ahead: renewed once more than half of its lifetime is gone.
     * For long transfers, which must not start with a token about to expire.
     */
    public synchronized String freshToken() throws IOException {
        if (token != null && token.issuedAt() != null) {
            Duration lifetime = Duration.between(token.issuedAt(), token.expiresAt());
            if (clock.instant().isAfter(token.issuedAt().plus(lifetime.dividedBy(2)))) {
                authenticate();
            }
        }
        return token();
    }

    /** Forgets {@code rejected} after Glance answered 401 to it (unless already replaced). */
    public synchronized void invalidate(String rejected) {
        if (token != null && token.id().equals(rejected)) {
            LOG.info("cloud {}: token rejected, authenticating again", cloud.name());
            token = null;
        }
    }

    public synchronized ImageEndpoint imageEndpoint() throws IOException {
        if (imageEndpoint == null) {
            token();
        }
        return imageEndpoint;
    }

    /** The project the token is scoped to (owner of the images it creates without {@code owner}). */
    public synchronized String projectId() throws IOException {
        token();
        return token.projectId();
    }

    public synchronized Instant expiresAt() throws IOException {
        token();
        return token.expiresAt();
    }

    /** Successful authentications so far (a test and metrics figure). */
    public synchronized int authentications() {
        return authentications;
    }

    private void authenticate() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                KeystoneToken t = authenticator.authenticate();
                ImageEndpoint endpoint = findImageEndpoint(t.catalog());
                if (imageEndpoint == null) {
                    LOG.info("cloud {}: authenticated ({}), image endpoint {} ({} in {})", cloud.name(), cloud.auth().type(),
                            endpoint.url(), endpoint.endpointInterface(), endpoint.region());
                }
                token = t;
                imageEndpoint = endpoint;
                authentications++;
                return;
            } catch (KeystoneException e) {
                if (!e.isTransient() || attempt >= retry.attempts()) {
                    throw e;
                }
                LOG.warn("cloud {}: Keystone authentication failed ({}), try {} of {}", cloud.name(), e.getMessage(),
                        attempt, retry.attempts());
                retry.backoff(attempt);
            }
        }
    }

    /** The catalog's image endpoint for our interface and region; refuses ambiguity and absence. */
    ImageEndpoint findImageEndpoint(List<CatalogEndpoint> catalog) throws NoImageEndpointException {
        String wanted = cloud.endpointInterface();
        List<String> seen = new ArrayList<>();
        Set<String> regions = new LinkedHashSet<>();
        List<CatalogEndpoint> matches = new ArrayList<>();
        for (CatalogEndpoint e : catalog) {
            if (e.serviceType() == null || !e.serviceType().equalsIgnoreCase("image")) {
                continue;
            }
            seen.add(e.endpointInterface() + "@" + e.region());
            if (wanted.equals(e.endpointInterface()) && e.url() != null
                    && (cloud.region() == null || cloud.region().equals(e.region()))) {
                matches.add(e);
                regions.add(e.region());
            }
        }
        if (matches.isEmpty()) {
            throw new NoImageEndpointException("cloud " + cloud.name() + ": the Keystone catalog has no image endpoint for interface "
                    + wanted + (cloud.region() == null ? "" : " in region " + cloud.region())
                    + (seen.isEmpty() ? " (no image service at all)" : " (it has " + String.join(", ", seen) + ")"));
        }
        if (regions.size() > 1) {
            throw new NoImageEndpointException("cloud " + cloud.name() + ": image endpoints in several regions " + regions
                    + "; set region_name in clouds.yaml");
        }
        CatalogEndpoint e = matches.get(0);
        return new ImageEndpoint(normalise(e.url()), e.region(), wanted);
    }

    /** Glance's root URL: catalogs list it with or without a trailing /v2. */
    static String normalise(String url) {
        String u = url;
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith("/v2")) {
            u = u.substring(0, u.length() - 3);
        }
        return u;
    }
}
