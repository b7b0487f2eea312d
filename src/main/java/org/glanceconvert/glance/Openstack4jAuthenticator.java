package org.glanceconvert.glance;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

/**
 * Keystone v3 login through openstack4j: password, or an application credential through
 * {@link ApplicationCredentialRequest}. openstack4j's session is used for this one call and
 * dropped; only the token leaves.
 *
 * <p>Cannot honour a custom CA bundle: openstack4j-okhttp 3.12 hands a bare SSLSocketFactory to
 * OkHttp, which OkHttp 4 refuses on JDK 9+. Clouds with {@code cacert} use
 * {@link HttpKeystoneAuthenticator}; {@code verify: false} works here.
 */
final class Openstack4jAuthenticator implements Authenticator {
    private final CloudEntry cloud;
    private final Config config;

    Openstack4jAuthenticator(CloudEntry cloud, ClientOptions options) {
        if (cloud.cacert() != null) {
            throw new IllegalArgumentException("openstack4j cannot use a cacert on this JDK");
        }
        this.cloud = cloud;
        Config c = Config.newConfig()
                .withConnectionTimeout(millis(options.connectTimeout()))
                .withReadTimeout(millis(options.readTimeout()));
        if (!cloud.verify()) {
            c = c.withSSLVerificationDisabled();
        }
        this.config = c;
    }

    @Override
    public KeystoneToken authenticate() throws IOException {
        String authUrl = cloud.auth().authUrl();
        Token token;
        try {
            OSClient<?> client = OSAuthenticator.invoke(request(), authUrl, Facing.value(cloud.endpointInterface()), config,
                    CloudProvider.UNKNOWN);
            token = ((OSClient.OSClientV3) client).getToken();
        } catch (ConnectionException e) {
            throw new KeystoneException("cloud " + cloud.name() + ": Keystone at " + authUrl + " unreachable: "
                    + rootMessage(e), 0, null);
        } catch (ResponseException e) {
            // openstack4j's message is the HTTP reason phrase; no credential is in it.
            throw new KeystoneException("cloud " + cloud.name() + ": Keystone at " + authUrl + " refused "
                    + cloud.auth().type() + " authentication: HTTP " + e.getStatus() + " " + e.getMessage(), e.getStatus(), null);
        } catch (RuntimeException e) {
            throw new KeystoneException("cloud " + cloud.name() + ": authentication at " + authUrl + " failed: "
                    + rootMessage(e), 0, null);
        }
        if (token == null || token.getId() == null || token.getExpires() == null) {
            throw new KeystoneException("cloud " + cloud.name() + ": Keystone returned no usable token", 0, null);
        }
        List<CatalogEndpoint> catalog = new ArrayList<>();
        if (token.getCatalog() != null) {
            for (Service s : token.getCatalog()) {
                if (s.getEndpoints() == null) {
                    continue;
                }
                for (Endpoint e : s.getEndpoints()) {
                    catalog.add(new CatalogEndpoint(s.getType(),
                            e.getIface() == null ? null : e.getIface().name().toLowerCase(Locale.ROOT),
                            e.getRegionId() != null ? e.getRegionId() : e.getRegion(),
                            e.getUrl() == null ? null : e.getUrl().toString()));
                }
            }
        }
        return new KeystoneToken(token.getId(),
                token.getIssuedAt() == null ? null : token.getIssuedAt().toInstant(),
                token.getExpires().toInstant(),
                token.getProject() == null ? null : token.getProject().getId(),
                catalog);
    }

    private KeystoneAuth request() {
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

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
}
