package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.glance.ItEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * deploy/glance/property-protections.conf, installed in a real Glance (enforce_new_defaults=true)
 * started for this test beside the shared one: a project member cannot forge glance-convert's
 * decision state on its own image, but may still opt out or ask for a target; the service can
 * write the state.
 */
@Tag("integration")
class PropertyProtectionsIntegrationTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ItEnvironment env;
    private static Path run;
    private static String glance;

    @BeforeAll
    static void startProtectedGlance() throws Exception {
        env = ItEnvironment.load();
        run = Files.createTempDirectory("glance-protected");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder("integration-tests/start-glance.sh", run.toString(), Integer.toString(port))
                .redirectErrorStream(true);
        pb.environment().putAll(Map.of(
                "KEYSTONE_URL", env.get("KEYSTONE_URL"),
                "GLANCE_SERVICE_PASSWORD", env.get("GLANCE_SERVICE_PASSWORD"),
                "GLANCE_PROPERTY_PROTECTIONS", "deploy/glance/property-protections.conf"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "start-glance.sh failed: " + out);
        assertTrue(Files.readString(run.resolve("glance-api.conf")).contains("property_protection_file"));
        glance = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            new ProcessBuilder("integration-tests/stop-all.sh", run.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static String token(String user, String password, String project) throws Exception {
        String body = "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"" + user
                + "\",\"domain\":{\"id\":\"default\"},\"password\":\"" + password + "\"}}},\"scope\":{\"project\":"
                + "{\"name\":\"" + project + "\",\"domain\":{\"id\":\"default\"}}}}}";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(env.get("KEYSTONE_URL") + "/auth/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return r.headers().firstValue("X-Subject-Token").orElseThrow();
    }

    private static HttpResponse<String> call(String token, String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(glance + path)).header("X-Auth-Token", token)
                .header("Accept", "application/json").timeout(Duration.ofSeconds(30));
        if (body != null) {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> patch(String token, String id, String op, String key, String value)
            throws IOException, InterruptedException {
        String valuePart = "remove".equals(op) ? "" : ",\"value\":\"" + value + "\"";
        return call(token, "PATCH", "/v2/images/" + id, "application/openstack-images-v2.1-json-patch",
                "[{\"op\":\"" + op + "\",\"path\":\"/" + key + "\"" + valuePart + "}]");
    }

    @Test
    void aMemberCannotForgeDecisionStateButMayOptOut() throws Exception {
        String member = token("demo", env.get("DEMO_PASSWORD"), "demo");
        String service = token("glance-convert", env.get("GLANCE_CONVERT_PASSWORD"), "service");

        HttpResponse<String> forgedAtCreate = call(member, "POST", "/v2/images", "application/json",
                "{\"name\":\"forged\",\"disk_format\":\"raw\",\"container_format\":\"bare\",\"glance_convert_state\":\"done\"}");
        assertEquals(403, forgedAtCreate.statusCode(), forgedAtCreate.body());

        HttpResponse<String> created = call(member, "POST", "/v2/images", "application/json",
                "{\"name\":\"mine\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
        assertEquals(201, created.statusCode(), created.body());
        String id = JSON.readTree(created.body()).get("id").asText();

        assertEquals(403, patch(member, id, "add", Properties.STATE, "done").statusCode());
        assertEquals(403, patch(member, id, "add", Properties.SOURCE_ID, "00000000-0000-0000-0000-000000000000").statusCode());
        assertEquals(200, patch(member, id, "add", Properties.SKIP, "true").statusCode());
        assertEquals(200, patch(member, id, "add", Properties.TARGET, "qcow2").statusCode());

        assertEquals(200, patch(service, id, "add", Properties.STATE, "rejected").statusCode());
        assertEquals(403, patch(member, id, "remove", Properties.STATE, "").statusCode(),
                "the owner cannot wipe a rejection either");
        HttpResponse<String> seen = call(member, "GET", "/v2/images/" + id, null, null);
        assertEquals("rejected", JSON.readTree(seen.body()).get(Properties.STATE).asText(), "the owner can read it");
    }
}
