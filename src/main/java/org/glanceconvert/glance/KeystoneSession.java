package org.glanceconvert.glance;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.glanceconvert.config.ApplicationCredentialAuth;
import org.glanceconvert.config.CloudEntry;
import org.glanceconvert.config.PasswordAuth;
import org.openstack4j.api.OSClient;
import org.openstack4j.api.client.CloudProvider;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.api.exceptions.ResponseException;
import org.openstack4j.api.types.Facing;
import org.openstack4j.core.transport.Config;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.identity.v3.Endpoint;
import org.openstack4j.model.identity.v3.Service;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.openstack.identity.v3.domain.KeystoneAuth;
import org.openstack4j.openstack.internal.OSAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A project-scoped Keystone v3 token for one cloud, obtained through openstack4j, and the image
 * endpoint its catalog names for the configured region and interface.
 *
 * <p>Thread-safe and free of openstack4j's thread-bound sessions: openstack4j is called only
 * inside {@link #authenticate()}, under this object's lock, and what leaves is a token string
 * that any thread may send. A token is renewed ahead of its expiry ({@code refreshMargin}),
 * and after a 401 the caller reports it with {@link #invalidate(String)} so the next
 * {@link #token()} fetches a new one (once, however many threads saw the 401).
 */
public final class KeystoneSession {
    private static final Logger LOG = LoggerFactory.getLogger(KeystoneSession.class);

    private final CloudEntry cloud;
    private final Config config;
    private final RetryPolicy retry;
    private final Duration refreshMargin;
    private final Clock clock;

    private String tokenId;
    private Instant expires;
    private Instant issued;
    private String projectId;
    private ImageEndpoint imageEndpoint;

    public KeystoneSession(CloudEntry cloud, Tls tls, ClientOptions options) {
        this(cloud, tls, options, Clock.systemUTC());
    }

    KeystoneSession(CloudEntry cloud, Tls tls, ClientOptions options, Clock clock) {
        this.cloud = cloud;
        this.retry = options.retry();
        this.refreshMargin = options.tokenRefreshMargin();
        this.clock = clock;
        Config c = Config.newConfig()
                .withConnectionTimeout((int) options.connectTimeout().toMillis())
                .withReadTimeout((int) options.readTimeout().toMillis())
                .withSSLContext(tls.context());
        if (tls.hostnameVerifier() != null) {
            c = c.withHostnameVerifier(tls.hostnameVerifier()).withSSLVerificationDisabled();
        }
        this.config = c;
    }

    public CloudEntry cloud() {
        return cloud;
    }

    /** A token valid for at least the refresh margin, authenticating when needed. */
    public synchronized String token() throws IOException {
        if (tokenId == null || !clock.instant().plus(refreshMargin).isBefore(expires)) {
            authenticate();
        }
        return tokenId;
    }

    /**
     * A token with as much life left as Keystone gives: renewed if more than half of its lifetime
     * is gone. For long transfers, which must not start with a token about to expire.
     */
    public synchronized String freshToken() throws IOException {
        if (tokenId != null && issued != null) {
            Duration lifetime = Duration.between(issued, expires);
            if (clock.instant().isAfter(issued.plus(lifetime.dividedBy(2)))) {
                authenticate();
            }
        }
        return token();
    }

    /** Forgets {@code rejected} after Glance answered 401 to it (unless already replaced). */
    public synchronized void invalidate(String rejected) {
        if (rejected != null && rejected.equals(tokenId)) {
            LOG.info("cloud {}: token rejected, authenticating again", cloud.name());
            tokenId = null;
        }
    }

    public synchronized ImageEndpoint imageEndpoint() throws IOException {
        if (imageEndpoint == null) {
            token();
        }
        return imageEndpoint;
    }

    /** The project the token is scoped to (the owner of images it creates without {@code owner}). */
    public synchronized String projectId() throws IOException {
        token();
        return projectId;
    }

    public synchronized Instant expiresAt() throws IOException {
        token();
        return expires;
    }

    private void authenticate() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                authenticateOnce();
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

    private void authenticateOnce() throws IOException {
        KeystoneAuth auth = authRequest();
        String authUrl = cloud.auth().authUrl();
        Token token;
        try {
            OSClient<?> client = OSAuthenticator.invoke(auth, authUrl, facing(), config, CloudProvider.UNKNOWN);
            token = ((OSClient.OSClientV3) client).getToken();
        } catch (ConnectionException e) {
            throw new KeystoneException("cloud " + cloud.name() + ": Keystone at " + authUrl + " unreachable: "
                    + rootMessage(e), 0, null);
        } catch (ResponseException e) {
            // openstack4j's message is the HTTP reason; no credential is in it.
            throw new KeystoneException("cloud " + cloud.name() + ": Keystone at " + authUrl + " refused "
                    + cloud.auth().type() + " authentication: HTTP " + e.getStatus() + " " + e.getMessage(), e.getStatus(), null);
        } catch (RuntimeException e) {
            throw new KeystoneException("cloud " + cloud.name() + ": authentication at " + authUrl + " failed: "
                    + rootMessage(e), 0, null);
        }
        if (token == null || token.getId() == null || token.getExpires() == null) {
            throw new KeystoneException("cloud " + cloud.name() + ": Keystone returned no usable token", 0, null);
        }
        ImageEndpoint endpoint = findImageEndpoint(token);
        this.tokenId = token.getId();
        this.expires = token.getExpires().toInstant();
        this.issued = token.getIssuedAt() == null ? clock.instant() : token.getIssuedAt().toInstant();
        this.projectId = token.getProject() == null ? null : token.getProject().getId();
        if (this.imageEndpoint == null) {
            LOG.info("cloud {}: authenticated ({}), image endpoint {} ({} in {})", cloud.name(), cloud.auth().type(),
                    endpoint.url(), endpoint.endpointInterface(), endpoint.region());
        }
        this.imageEndpoint = endpoint;
    }

    private KeystoneAuth authRequest() {
        if (cloud.auth() instanceof ApplicationCredentialAuth a) {
            return new ApplicationCredentialRequest(a);
        }
        PasswordAuth p = (PasswordAuth) cloud.auth();
        KeystoneAuth.AuthScope scope = p.projectId() != null
                ? KeystoneAuth.AuthScope.project(Identifier.byId(p.projectId()))
                : KeystoneAuth.AuthScope.project(Identifier.byName(p.projectName()), domain(p.projectDomainId(), p.projectDomainName()));
        if (p.userId() != null) {
            return new KeystoneAuth(p.userId(), p.password().reveal(), null, scope);
        }
        return new KeystoneAuth(p.username(), p.password().reveal(), domain(p.userDomainId(), p.userDomainName()), scope);
    }

    private static Identifier domain(String id, String name) {
        return id != null ? Identifier.byId(id) : Identifier.byName(name);
    }

    private Facing facing() {
        return Facing.value(cloud.endpointInterface());
    }

    /** The catalog's image endpoint for our interface and region; refuses ambiguity and absence. */
    ImageEndpoint findImageEndpoint(Token token) throws NoImageEndpointException {
        String wantedIface = cloud.endpointInterface();
        List<String> seen = new ArrayList<>();
        Set<String> regions = new LinkedHashSet<>();
        List<Endpoint> matches = new ArrayList<>();
        if (token.getCatalog() != null) {
            for (Service s : token.getCatalog()) {
                if (s.getType() == null || !s.getType().equalsIgnoreCase("image") || s.getEndpoints() == null) {
                    continue;
                }
                for (Endpoint e : s.getEndpoints()) {
                    String iface = e.getIface() == null ? "?" : e.getIface().name().toLowerCase(Locale.ROOT);
                    String region = e.getRegionId() != null ? e.getRegionId() : e.getRegion();
                    seen.add(iface + "@" + region);
                    if (!iface.equals(wantedIface) || e.getUrl() == null) {
                        continue;
                    }
                    if (cloud.region() == null || cloud.region().equals(region) || cloud.region().equals(e.getRegion())) {
                        matches.add(e);
                        regions.add(region);
                    }
                }
            }
        }
        if (matches.isEmpty()) {
            throw new NoImageEndpointException("cloud " + cloud.name() + ": the Keystone catalog has no image endpoint for interface "
                    + wantedIface + (cloud.region() == null ? "" : " in region " + cloud.region())
                    + (seen.isEmpty() ? " (no image service at all)" : " (it has " + String.join(", ", seen) + ")"));
        }
        if (regions.size() > 1) {
            throw new NoImageEndpointException("cloud " + cloud.name() + ": image endpoints in several regions " + regions
                    + "; set region_name in clouds.yaml");
        }
        Endpoint e = matches.get(0);
        return new ImageEndpoint(normalise(e.getUrl().toString()), regions.iterator().next(), wantedIface);
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

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
}
