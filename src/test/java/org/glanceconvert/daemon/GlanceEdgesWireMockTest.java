package org.glanceconvert.daemon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.glanceconvert.config.CloudEntry;
import org.glanceconvert.config.PasswordAuth;
import org.glanceconvert.config.Secret;
import org.glanceconvert.glance.ChecksumMismatchException;
import org.glanceconvert.glance.ClientOptions;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.ImageTooLargeException;
import org.glanceconvert.glance.RetryPolicy;
import org.glanceconvert.glance.UploadBody;
import org.glanceconvert.glance.WireMockKeystone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the real Glance of integration-tests cannot be made to do: a store that answers range
 * requests with the whole image (rbd, swift and s3 may), a quota or image_size_cap refusing an
 * upload with 413, and the store header of a multi-store upload.
 */
class GlanceEdgesWireMockTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "6f1c2a8e-0b7d-4c55-9a1e-3d2f4b6a8c90";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();

    @TempDir
    Path dir;

    private GlanceClient client;

    @BeforeEach
    void connect() throws Exception {
        WireMockKeystone.stubToken(wm);
        CloudEntry cloud = new CloudEntry("wm", dir.resolve("clouds.yaml"), new PasswordAuth(wm.baseUrl() + "/v3", "u", null,
                new Secret("pw"), "service", null, null, "default", null, "default"), "R", "public", null, true);
        client = GlanceClient.connect(cloud, ClientOptions.defaults()
                .withRetry(RetryPolicy.defaults().withAttempts(2).withSleeper(d -> { }))
                .withReadTimeout(Duration.ofSeconds(5)));
    }

    @AfterEach
    void close() {
        client.close();
    }

    private static GlanceImage image(byte[] data, boolean goodChecksum) throws Exception {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", ID).put("name", "img").put("status", "active").put("disk_format", "raw").put("owner", "p")
                .put("size", data.length).put("os_hash_algo", "sha512")
                .put("checksum", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)))
                .put("os_hash_value", goodChecksum ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(data))
                        : "00".repeat(64));
        return new GlanceImage(n);
    }

    private static byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void aStoreWithoutRangeReadsIsStagedOnceVerifiedAndCleanedUp() throws Exception {
        byte[] data = data(300_000);
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(200).withBody(data)));
        WorkDir work = new WorkDir(dir.resolve("work"), 0);
        work.prepare("c");
        Path staged;
        try (ImageBytes bytes = ImageBytes.open(client, image(data, true), work, "c")) {
            assertTrue(bytes.staged());
            assertEquals(data.length, bytes.bytesIn());
            byte[] got = new byte[1000];
            bytes.source().readFully(123_456, ByteBuffer.wrap(got));
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 123_456, 124_456), got);
            staged = work.tmpDir("c").resolve(ID + ".source");
            assertTrue(Files.exists(staged));
        }
        assertTrue(Files.notExists(staged), "deleted on close");
        // One probe (answered whole), one download: the image is not fetched again per read.
        wm.verify(2, getRequestedFor(urlEqualTo("/v2/images/" + ID + "/file")));
    }

    @Test
    void aStagedDownloadThatFailsItsChecksumIsNeverUsedNorLeftBehind() throws Exception {
        byte[] data = data(100_000);
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(200).withBody(data)));
        WorkDir work = new WorkDir(dir.resolve("work"), 0);
        work.prepare("c");
        assertThrows(ChecksumMismatchException.class, () -> ImageBytes.open(client, image(data, false), work, "c"));
        try (var files = Files.list(work.tmpDir("c"))) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aFullWorkDirectoryFailsBeforeDownloading() throws Exception {
        byte[] data = data(100_000);
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(200).withBody(data)));
        WorkDir full = new WorkDir(dir.resolve("work"), Long.MAX_VALUE / 4);
        assertThrows(WorkDir.WorkDirFullException.class, () -> ImageBytes.open(client, image(data, true), full, "c"));
        wm.verify(1, getRequestedFor(urlEqualTo("/v2/images/" + ID + "/file"))); // the range probe only
    }

    @Test
    void uploadsNameTheStoreAnd413IsRecordedAsSizeCapOrQuota() throws Exception {
        wm.stubFor(put(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(413)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\": \"Image exceeds the storage quota: 100 bytes remaining\", \"code\": \"413\"}")));
        ImageTooLargeException e = assertThrows(ImageTooLargeException.class, () -> client.upload(ID,
                UploadBody.ofStream(new ByteArrayInputStream(new byte[1000]), 1000), "ceph-east"));
        wm.verify(putRequestedFor(urlEqualTo("/v2/images/" + ID + "/file")).withHeader("X-Image-Meta-Store", equalTo("ceph-east")));
        String reason = Failures.describe(new java.io.IOException("upload failed", e));
        assertTrue(reason.contains("413") && reason.contains("image_size_cap") && reason.contains("storage quota: 100 bytes"),
                reason);
    }
}
