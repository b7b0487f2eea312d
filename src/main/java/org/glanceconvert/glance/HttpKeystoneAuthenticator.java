package org.glanceconvert.glance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.glanceconvert.config.ApplicationCredentialAuth;
import org.glanceconvert.config.CloudEntry;
import org.glanceconvert.config.PasswordAuth;

/**
 * Keystone v3 login over OkHttp ({@code POST /v3/auth/tokens}), for clouds whose clouds.yaml
 * names a {@code cacert}: the one case openstack4j 3.12 cannot serve on JDK 17. Same requests,
 * same result as {@link Openstack4jAuthenticator}.
 */
final class HttpKeystoneAuthenticator implements Authenticator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    private final CloudEntry cloud;
    private final OkHttpClient http;

    HttpKeystoneAuthenticator(CloudEntry cloud, OkHttpClient http) {
        this.cloud = cloud;
        this.http = http;
    }

    @Override
    public KeystoneToken authenticate() throws IOException {
        String url = cloud.auth().authUrl() + "/auth/tokens";
        byte[] body = JSON.writeValueAsBytes(request());
        Request request = new Request.Builder().url(url).post(RequestBody.create(body, JSON_TYPE))
                .header("Accept", "application/json").build();
        try (Response r = http.newCall(request).execute()) {
            byte[] bytes;
            try (InputStream in = r.body().byteStream()) {
                bytes = in.readNBytes(16 << 20);
            }
            if (r.code() != 201 && r.code() != 200) {
                throw new KeystoneException("cloud " + cloud.name() + ": Keystone at " + cloud.auth().authUrl() + " refused "
                        + cloud.auth().type() + " authentication: HTTP " + r.code() + " "
                        + ErrorBodies.message(new String(bytes, StandardCharsets.UTF_8)), r.code(), null);
            }
            String id = r.header("X-Subject-Token");
            JsonNode token = JSON.readTree(bytes).path("token");
            Instant expires = instant(token.path("expires_at").asText(null));
            if (id == null || expires == null) {
                throw new KeystoneException("cloud " + cloud.name() + ": Keystone returned no usable token", 0, null);
            }
            List<CatalogEndpoint> catalog = new ArrayList<>();
            for (JsonNode s : token.path("catalog")) {
                for (JsonNode e : s.path("endpoints")) {
                    catalog.add(new CatalogEndpoint(s.path("type").asText(null), e.path("interface").asText(null),
                            e.hasNonNull("region_id") ? e.path("region_id").asText() : e.path("region").asText(null),
                            e.path("url").asText(null)));
                }
            }
            return new KeystoneToken(id, instant(token.path("issued_at").asText(null)), expires,
                    token.path("project").path("id").asText(null), catalog);
        } catch (KeystoneException e) {
            throw e;
        } catch (IOException e) {
            throw new KeystoneException("cloud " + cloud.name() + ": Keystone at " + cloud.auth().authUrl() + " unreachable: "
                    + Openstack4jAuthenticator.rootMessage(e), 0, e);
        }
    }

    private ObjectNode request() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode auth = root.putObject("auth");
        ObjectNode identity = auth.putObject("identity");
        if (cloud.auth() instanceof ApplicationCredentialAuth a) {
            identity.putArray("methods").add("application_credential");
            ObjectNode ac = identity.putObject("application_credential");
            if (a.id() != null) {
                ac.put("id", a.id());
            } else {
                ac.put("name", a.name());
                ObjectNode user = ac.putObject("user");
                if (a.userId() != null) {
                    user.put("id", a.userId());
                } else {
                    user.put("name", a.username());
                    domain(user.putObject("domain"), a.userDomainId(), a.userDomainName());
                }
            }
            ac.put("secret", a.secret().reveal());
            return root;
        }
        PasswordAuth p = (PasswordAuth) cloud.auth();
        identity.putArray("methods").add("password");
        ObjectNode user = identity.putObject("password").putObject("user");
        if (p.userId() != null) {
            user.put("id", p.userId());
        } else {
            user.put("name", p.username());
            domain(user.putObject("domain"), p.userDomainId(), p.userDomainName());
        }
        user.put("password", p.password().reveal());
        ObjectNode project = auth.putObject("scope").putObject("project");
        if (p.projectId() != null) {
            project.put("id", p.projectId());
        } else {
            project.put("name", p.projectName());
            domain(project.putObject("domain"), p.projectDomainId(), p.projectDomainName());
        }
        return root;
    }

    private static void domain(ObjectNode d, String id, String name) {
        if (id != null) {
            d.put("id", id);
        } else {
            d.put("name", name);
        }
    }

    private static Instant instant(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
