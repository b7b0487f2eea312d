package org.glanceconvert.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.glanceconvert.config.CloudEntry;
import org.glanceconvert.config.DaemonConfig;
import org.glanceconvert.config.DaemonConfigLoader;
import org.glanceconvert.config.PasswordAuth;
import org.glanceconvert.config.Secret;
import org.glanceconvert.daemon.ImageAssessor;
import org.glanceconvert.glance.ClientOptions;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.RetryPolicy;
import org.glanceconvert.glance.WireMockKeystone;
import org.glanceconvert.log.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the real Glance of integration-tests cannot be made to do: a store that answers a range
 * request with the whole image (200). The audit then streams the image once, verified, says
 * {@code stream}, removes its staging directory, and still writes nothing.
 */
class AuditReadPathWireMockTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "0b9d3a57-2f4e-4b1c-8e6a-5c7d9f1a2b3c";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();

    @TempDir
    Path dir;

    @Test
    void aStoreWithoutRangeReadsIsStreamedAndSaidSo() throws Exception {
        WireMockKeystone.stubToken(wm);
        byte[] data = new byte[256 * 1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        ObjectNode image = JSON.createObjectNode();
        image.put("id", ID).put("name", "img").put("status", "active").put("disk_format", "raw")
                .put("container_format", "bare").put("owner", "p").put("size", data.length).put("visibility", "private")
                .put("created_at", "2026-11-01T00:00:00Z").put("updated_at", "2026-11-01T00:00:00Z")
                .put("os_hash_algo", "sha512")
                .put("checksum", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)))
                .put("os_hash_value", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(data)));
        ObjectNode page = JSON.createObjectNode();
        page.putArray("images").add(image);
        wm.stubFor(get(urlPathEqualTo("/v2/images")).withQueryParam("visibility", equalTo("all")).atPriority(5)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(page.toString())));
        wm.stubFor(get(urlPathEqualTo("/v2/images")).withQueryParam("os_hidden", equalTo("true")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"images\": []}")));
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(200).withBody(data)));
        wm.stubFor(patch(anyUrl()).willReturn(aResponse().withStatus(500)));

        Path config = Files.writeString(dir.resolve("gc.yaml"), """
                id_namespace: 3f2b8c1e-6d1a-4c0e-9b8e-2a7d5f1c9e40
                work_dir: %s
                work_dir_min_free: 0
                clouds: [{name: c1, cloud: wm, target_format: raw}]
                """.formatted(dir.resolve("work")));
        DaemonConfig cfg = DaemonConfigLoader.system().load(config);
        CloudEntry cloud = new CloudEntry("wm", dir.resolve("clouds.yaml"), new PasswordAuth(wm.baseUrl() + "/v3", "u", null,
                new Secret("pw"), "service", null, null, "default", null, "default"), "R", "public", null, true);
        Path staging = dir.resolve("work/.audit-test");
        CatalogAudit.Result result;
        try (GlanceClient client = GlanceClient.connect(cloud, ClientOptions.defaults()
                .withRetry(RetryPolicy.defaults().withAttempts(2).withSleeper(d -> { }))
                .withReadTimeout(Duration.ofSeconds(5)))) {
            result = new CatalogAudit(ImageAssessor.of(cfg, staging), 2).run(
                    List.of(new CatalogAudit.AuditedCloud(cfg.clouds().get(0), client)), null, null,
                    new Progress(new PrintWriter(new StringWriter()), false, 0, System::nanoTime));
        }
        assertEquals(1, result.entries().size());
        AuditEntry e = result.entries().get(0);
        assertEquals(ReadPath.STREAM, e.read(), e.toString());
        assertEquals(data.length, e.bytesRead());
        assertEquals("raw", e.realFormat());
        assertEquals(Action.OK, e.action(), e.toString());
        assertEquals(1, result.summary().byReadPath().get(ReadPath.STREAM));
        try (var left = Files.list(staging.resolve("c1/tmp"))) {
            assertEquals(0, left.count(), "the staged copy is deleted");
        }
        // one range probe answered whole, one verified download; nothing written
        wm.verify(2, getRequestedFor(urlEqualTo("/v2/images/" + ID + "/file")));
        wm.verify(0, patchRequestedFor(anyUrl()));
        wm.verify(1, postRequestedFor(anyUrl()));
        assertTrue(wm.findAll(getRequestedFor(anyUrl())).stream().allMatch(r -> r.getMethod().getName().equals("GET")));
    }
}
