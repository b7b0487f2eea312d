package org.glanceconvert.glance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.glanceconvert.config.ApplicationCredentialAuth;
import org.glanceconvert.config.CloudAuth;
import org.glanceconvert.config.CloudEntry;
import org.glanceconvert.config.PasswordAuth;
import org.glanceconvert.config.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The client's error paths against a WireMock Keystone + Glance. */
class GlanceClientWireMockTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "6f1c2a8e-0b7d-4c55-9a1e-3d2f4b6a8c90";
    private static final String PASSWORD = "pa55-w0rd-never-logged";
    private static final DateTimeFormatter KEYSTONE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();

    @TempDir
    Path dir;

    private final ClientOptions options = ClientOptions.defaults()
            .withRetry(RetryPolicy.defaults().withAttempts(3).withSleeper(d -> { }))
            .withReadTimeout(Duration.ofMillis(700));
    private GlanceClient client;

    @BeforeEach
    void keystone() {
        stubKeystone(Instant.now().plus(1, ChronoUnit.HOURS), "public", "RegionOne");
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private void stubKeystone(Instant expires, String iface, String region) {
        wm.stubFor(post(urlEqualTo("/v3/auth/tokens")).willReturn(aResponse().withStatus(201)
                .withHeader("X-Subject-Token", "tok-1").withHeader("Content-Type", "application/json")
                .withBody(tokenBody(expires, iface, region))));
    }

    private static String tokenBody(Instant expires, String iface, String region) {
        return """
                {"token": {"methods": ["password"], "expires_at": "%s", "issued_at": "%s",
                  "project": {"id": "p-service", "name": "service", "domain": {"id": "default", "name": "Default"}},
                  "user": {"id": "u1", "name": "glance-convert", "domain": {"id": "default", "name": "Default"}},
                  "roles": [{"id": "r1", "name": "admin"}],
                  "catalog": [
                    {"type": "identity", "name": "keystone", "id": "s0", "endpoints": [
                      {"id": "e0", "interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": "%s/v3"}]},
                    {"type": "image", "name": "glance", "id": "s1", "endpoints": [
                      {"id": "e1", "interface": "%s", "region": "%s", "region_id": "%s", "url": "%s/v2/"}]}]}}
                """.formatted(KEYSTONE_TIME.format(expires), KEYSTONE_TIME.format(Instant.now()),
                wm.baseUrl(), iface, region, region, wm.baseUrl());
    }

    private CloudEntry cloud(CloudAuth auth) {
        return new CloudEntry("wm", dir.resolve("clouds.yaml"), auth, "RegionOne", "public", null, true);
    }

    private CloudEntry passwordCloud() {
        return cloud(new PasswordAuth(wm.baseUrl() + "/v3", "glance-convert", null, new Secret(PASSWORD), "service", null,
                null, "default", null, "default"));
    }

    private GlanceClient connect() throws IOException {
        client = GlanceClient.connect(passwordCloud(), options);
        return client;
    }

    private static String imageJson(String status, byte[] data) throws Exception {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", ID).put("name", "img").put("status", status).put("disk_format", "raw").put("container_format", "bare")
                .put("visibility", "shared").put("owner", "p-demo").put("os_hidden", false).put("custom", "v");
        if (data != null) {
            n.put("size", data.length);
            n.put("checksum", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)));
            n.put("os_hash_algo", "sha512");
            n.put("os_hash_value", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(data)));
        }
        return n.toString();
    }

    private static byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static GlanceImage image(String json) throws Exception {
        return new GlanceImage((ObjectNode) JSON.readTree(json));
    }

    // ---- Keystone ----------------------------------------------------------------------------

    @Test
    void passwordAuthSendsScopedRequestAndFindsTheImageEndpoint() throws Exception {
        connect();
        assertEquals(wm.baseUrl(), client.session().imageEndpoint().url(), "a /v2 suffix in the catalog is dropped");
        assertEquals("p-service", client.session().projectId());
        wm.verify(postRequestedFor(urlEqualTo("/v3/auth/tokens"))
                .withRequestBody(matchingJsonPath("$.auth.identity.methods[0]", equalTo("password")))
                .withRequestBody(matchingJsonPath("$.auth.identity.password.user.name", equalTo("glance-convert")))
                .withRequestBody(matchingJsonPath("$.auth.identity.password.user.domain.id", equalTo("default")))
                .withRequestBody(matchingJsonPath("$.auth.scope.project.name", equalTo("service"))));
    }

    @Test
    void applicationCredentialAuthSendsTheApplicationCredentialMethodWithoutScope() throws Exception {
        client = GlanceClient.connect(cloud(new ApplicationCredentialAuth(wm.baseUrl() + "/v3", "ac-1", null,
                new Secret("s3cr3t"), null, null, null, null)), options);
        client.session().token();
        wm.verify(postRequestedFor(urlEqualTo("/v3/auth/tokens"))
                .withRequestBody(equalToJson("""
                        {"auth": {"identity": {"methods": ["application_credential"],
                          "application_credential": {"id": "ac-1", "secret": "s3cr3t"}}}}""")));
    }

    @Test
    void noImageEndpointForTheInterfaceRefusesToStart() {
        stubKeystone(Instant.now().plus(1, ChronoUnit.HOURS), "internal", "RegionOne");
        NoImageEndpointException e = assertThrows(NoImageEndpointException.class, this::connect);
        assertTrue(e.getMessage().contains("internal@RegionOne"), e.getMessage());
    }

    @Test
    void noImageEndpointInTheRegionRefusesToStart() {
        stubKeystone(Instant.now().plus(1, ChronoUnit.HOURS), "public", "RegionTwo");
        NoImageEndpointException e = assertThrows(NoImageEndpointException.class, this::connect);
        assertTrue(e.getMessage().contains("region RegionOne"), e.getMessage());
    }

    @Test
    void badCredentialsAreNotRetriedAndNotEchoed() {
        wm.stubFor(post(urlEqualTo("/v3/auth/tokens")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", \"message\": \"The request you have made requires authentication.\"}}")));
        KeystoneException e = assertThrows(KeystoneException.class, this::connect);
        assertEquals(401, e.status());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
        assertEquals(1, wm.countRequestsMatching(postRequestedFor(urlEqualTo("/v3/auth/tokens")).build()).getCount());
    }

    @Test
    void keystone503IsRetried() throws Exception {
        wm.stubFor(post(urlEqualTo("/v3/auth/tokens")).inScenario("ks").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        wm.stubFor(post(urlEqualTo("/v3/auth/tokens")).inScenario("ks").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(201).withHeader("X-Subject-Token", "tok-1")
                        .withHeader("Content-Type", "application/json")
                        .withBody(tokenBody(Instant.now().plus(1, ChronoUnit.HOURS), "public", "RegionOne"))));
        connect();
        assertEquals("tok-1", client.session().token());
    }

    @Test
    void tokenIsRenewedBeforeItExpires() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        stubKeystone(clock.instant().plus(60, ChronoUnit.MINUTES), "public", "RegionOne");
        KeystoneSession s = new KeystoneSession(passwordCloud(), new Openstack4jAuthenticator(passwordCloud(), options),
                options, clock);
        s.token();
        clock.now = clock.now.plus(50, ChronoUnit.MINUTES);
        s.token();
        assertEquals(1, s.authentications(), "still 10 minutes left, more than the 5-minute margin");
        clock.now = clock.now.plus(6, ChronoUnit.MINUTES);
        s.token();
        assertEquals(2, s.authentications(), "4 minutes left: renewed");
    }

    // ---- metadata ----------------------------------------------------------------------------

    @Test
    void fiveHundredThenSuccess() throws Exception {
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID)).inScenario("5xx").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("<html>busy</html>")).willSetStateTo("ok"));
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID)).inScenario("5xx").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody(imageJson("active", data(10)))));
        GlanceImage image = connect().get(ID).orElseThrow();
        assertEquals("shared", image.visibility());
        assertEquals("v", image.userProperties().get("custom"));
        assertEquals(2, wm.countRequestsMatching(getRequestedFor(urlEqualTo("/v2/images/" + ID)).build()).getCount());
        wm.verify(getRequestedFor(urlEqualTo("/v2/images/" + ID)).withHeader("X-Auth-Token", equalTo("tok-1"))
                .withHeader("Accept", equalTo("application/json")));
    }

    @Test
    void persistent500FailsWithGlancesMessageAfterTheLastTry() throws Exception {
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID)).willReturn(aResponse().withStatus(500)
                .withBody("{\"message\": \"The server has either erred<br /><br />\\n\", \"code\": \"500 Internal Server Error\"}")));
        GlanceException e = assertThrows(GlanceException.class, () -> connect().get(ID));
        assertEquals(500, e.status());
        assertEquals("The server has either erred", e.serviceMessage());
        assertFalse(e.getMessage().contains("tok-1"), "no token in messages");
        assertEquals(3, wm.countRequestsMatching(getRequestedFor(urlEqualTo("/v2/images/" + ID)).build()).getCount());
    }

    @Test
    void unauthorizedThenReauthenticationThenSuccess() throws Exception {
        connect();
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID)).inScenario("401").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(401)).willSetStateTo("renewed"));
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID)).inScenario("401").whenScenarioStateIs("renewed")
                .willReturn(aResponse().withStatus(200).withBody(imageJson("active", null))));
        assertTrue(client.get(ID).isPresent());
        assertEquals(2, client.session().authentications(), "authenticated again after the 401");
        assertEquals(2, wm.countRequestsMatching(postRequestedFor(urlEqualTo("/v3/auth/tokens")).build()).getCount());
    }

    @Test
    void unauthorizedAgainAfterReauthenticationIsNotAuthorized() throws Exception {
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID)).willReturn(aResponse().withStatus(401)));
        assertThrows(NotAuthorizedException.class, () -> connect().get(ID));
        assertEquals(2, wm.countRequestsMatching(getRequestedFor(urlEqualTo("/v2/images/" + ID)).build()).getCount());
    }

    @Test
    void slowResponseTimesOutAndIsRetried() throws Exception {
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID)).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withFixedDelay(2000).withBody(imageJson("active", null)))
                .willSetStateTo("fast"));
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID)).inScenario("slow").whenScenarioStateIs("fast")
                .willReturn(aResponse().withStatus(200).withBody(imageJson("active", null))));
        assertTrue(connect().get(ID).isPresent());
    }

    @Test
    void alwaysSlowEndsInATimeout() {
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID))
                .willReturn(aResponse().withStatus(200).withFixedDelay(2000).withBody("{}")));
        assertThrows(SocketTimeoutException.class, () -> connect().get(ID));
    }

    @Test
    void connectionResetIsRetried() throws Exception {
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID)).inScenario("reset").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("ok"));
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID)).inScenario("reset").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody(imageJson("active", null))));
        assertTrue(connect().get(ID).isPresent());
    }

    @Test
    void conflictOnCreateIsItsOwnException() throws Exception {
        wm.stubFor(post(urlEqualTo("/v2/images")).willReturn(aResponse().withStatus(409)
                .withBody("{\"message\": \"Image ID " + ID + " already exists!<br /><br />\\n\\n\\n\", \"code\": \"409 Conflict\", \"title\": \"Conflict\"}")));
        ImageConflictException e = assertThrows(ImageConflictException.class,
                () -> connect().create(NewImage.named("copy").id(ID).diskFormat("qcow2")));
        assertEquals(ID, e.imageId());
        assertEquals("Image ID " + ID + " already exists!", e.serviceMessage());
        wm.verify(postRequestedFor(urlEqualTo("/v2/images")).withRequestBody(equalToJson(
                "{\"id\": \"" + ID + "\", \"name\": \"copy\", \"disk_format\": \"qcow2\", \"container_format\": \"bare\"}")));
        assertEquals(1, wm.countRequestsMatching(postRequestedFor(urlEqualTo("/v2/images")).build()).getCount(),
                "a 409 is an answer, not a failure to retry");
    }

    @Test
    void createWithoutChosenIdIsNotReplayedAfterA503() throws Exception {
        wm.stubFor(post(urlEqualTo("/v2/images")).willReturn(aResponse().withStatus(503)));
        assertThrows(GlanceException.class, () -> connect().create(NewImage.named("no-id").diskFormat("raw")));
        assertEquals(1, wm.countRequestsMatching(postRequestedFor(urlEqualTo("/v2/images")).build()).getCount(),
                "a replay could make a second image");
    }

    @Test
    void createWithChosenIdIsReplayedAfterA503() throws Exception {
        wm.stubFor(post(urlEqualTo("/v2/images")).inScenario("c").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        wm.stubFor(post(urlEqualTo("/v2/images")).inScenario("c").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(201).withBody(imageJson("queued", null))));
        assertEquals(ID, connect().create(NewImage.named("x").id(ID).diskFormat("raw")).id());
    }

    @Test
    void oneClientServesManyThreadsWithOneToken() throws Exception {
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID)).willReturn(aResponse().withStatus(200).withBody(imageJson("active", null))));
        connect();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                results.add(pool.submit(() -> client.get(ID).isPresent()));
            }
            for (java.util.concurrent.Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, client.session().authentications());
    }

    @Test
    void notFoundIsEmpty() throws Exception {
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID)).willReturn(aResponse().withStatus(404)));
        assertEquals(Optional.empty(), connect().get(ID));
    }

    @Test
    void patchUsesTheJsonPatchMediaTypeAndJsonBooleans() throws Exception {
        wm.stubFor(patch(urlEqualTo("/v2/images/" + ID)).willReturn(aResponse().withStatus(200).withBody(imageJson("active", null))));
        connect().patch(ID, JsonPatch.create().set("glance_convert_state", "done").set("os_hidden", true).remove("a/b"));
        wm.verify(patchRequestedFor(urlEqualTo("/v2/images/" + ID))
                .withHeader("Content-Type", equalTo("application/openstack-images-v2.1-json-patch"))
                .withRequestBody(equalToJson("""
                        [{"op": "add", "path": "/glance_convert_state", "value": "done"},
                         {"op": "add", "path": "/os_hidden", "value": true},
                         {"op": "remove", "path": "/a~1b"}]""")));
    }

    @Test
    void listingPagesWithLimitAndMarkerUntilNoNext() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/v2/images")).withQueryParam("marker", absent()).willReturn(aResponse().withStatus(200)
                .withBody("{\"images\": [{\"id\": \"a\"}, {\"id\": \"b\"}], \"next\": \"/v2/images?marker=b&limit=2\"}")));
        wm.stubFor(get(urlPathEqualTo("/v2/images")).withQueryParam("marker", equalTo("b")).willReturn(aResponse().withStatus(200)
                .withBody("{\"images\": [{\"id\": \"c\"}]}")));
        List<String> ids = new java.util.ArrayList<>();
        connect().listAll(ImageQuery.all().status("active").osHidden(true).pageSize(2)).forEach(i -> ids.add(i.id()));
        assertEquals(List.of("a", "b", "c"), ids);
        wm.verify(getRequestedFor(urlPathEqualTo("/v2/images")).withQueryParam("status", equalTo("active"))
                .withQueryParam("os_hidden", equalTo("true")).withQueryParam("limit", equalTo("2")));
    }

    @Test
    void unknownListParametersAreRefusedBeforeGlanceSilentlyFiltersOnThem() {
        assertThrows(IllegalArgumentException.class, () -> ImageQuery.all().property("limit", "3"));
        assertThrows(IllegalArgumentException.class, () -> ImageQuery.all().property("a&b", "3"));
    }

    // ---- upload ------------------------------------------------------------------------------

    @Test
    void tooLargeOnUploadIsItsOwnExceptionAndNotRetried() throws Exception {
        wm.stubFor(put(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(413)
                .withBody("{\"message\": \"Image exceeds the storage quota\"}")));
        Path f = Files.write(dir.resolve("img"), data(100_000));
        ImageTooLargeException e = assertThrows(ImageTooLargeException.class, () -> connect().upload(ID, UploadBody.ofFile(f)));
        assertTrue(e.serviceMessage().contains("quota"));
        assertEquals(1, wm.countRequestsMatching(putRequestedFor(urlEqualTo("/v2/images/" + ID + "/file")).build()).getCount());
    }

    @Test
    void uploadStreamsOctetsAndRetriesARepeatableBody() throws Exception {
        wm.stubFor(put(urlEqualTo("/v2/images/" + ID + "/file")).inScenario("up").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        wm.stubFor(put(urlEqualTo("/v2/images/" + ID + "/file")).inScenario("up").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(204)));
        byte[] bytes = data(200_000);
        connect().upload(ID, UploadBody.ofFile(Files.write(dir.resolve("img"), bytes)));
        wm.verify(2, putRequestedFor(urlEqualTo("/v2/images/" + ID + "/file"))
                .withHeader("Content-Type", equalTo("application/octet-stream")));
        assertArrayEquals(bytes, wm.getAllServeEvents().get(0).getRequest().getBody());
    }

    @Test
    void aOneShotStreamIsNotResentAfterA503() throws Exception {
        wm.stubFor(put(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(503)));
        GlanceException e = assertThrows(GlanceException.class,
                () -> connect().upload(ID, UploadBody.ofStream(new ByteArrayInputStream(data(1000)), -1)));
        assertEquals(503, e.status());
        assertEquals(1, wm.countRequestsMatching(putRequestedFor(urlEqualTo("/v2/images/" + ID + "/file")).build()).getCount());
        wm.verify(putRequestedFor(urlEqualTo("/v2/images/" + ID + "/file")).withHeader("Transfer-Encoding", equalTo("chunked")));
    }

    // ---- download ----------------------------------------------------------------------------

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void downloadVerifiesChecksumAndHash() throws Exception {
        byte[] bytes = data(300_000);
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(200).withBody(bytes)));
        assertArrayEquals(bytes, readAll(connect().download(image(imageJson("active", bytes)))));
    }

    @Test
    void wrongChecksumFailsAtTheEnd() throws Exception {
        byte[] bytes = data(300_000);
        byte[] served = bytes.clone();
        served[123_456] ^= 1;
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(200).withBody(served)));
        ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
                () -> connect().download(image(imageJson("active", bytes))).transferTo(OutputStream.nullOutputStream()));
        assertTrue(e.getMessage().contains("md5"), e.getMessage());
    }

    @Test
    void wrongOsHashFailsEvenWhenMd5Matches() throws Exception {
        byte[] bytes = data(1000);
        ObjectNode json = (ObjectNode) JSON.readTree(imageJson("active", bytes));
        json.put("os_hash_value", "00".repeat(64));
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(200).withBody(bytes)));
        ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
                () -> connect().download(new GlanceImage(json)).transferTo(OutputStream.nullOutputStream()));
        assertTrue(e.getMessage().contains("sha512"), e.getMessage());
    }

    @Test
    void truncatedBodyResumesWithARangeRequest() throws Exception {
        byte[] bytes = data(300_000);
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).withHeader("Range", absent())
                .willReturn(aResponse().withStatus(200).withBody(java.util.Arrays.copyOf(bytes, 100_000))));
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).withHeader("Range", equalTo("bytes=100000-"))
                .willReturn(aResponse().withStatus(206).withHeader("Content-Range", "bytes 100000-299999/300000")
                        .withBody(java.util.Arrays.copyOfRange(bytes, 100_000, 300_000))));
        VerifyingDownload d = connect().download(image(imageJson("active", bytes)));
        assertArrayEquals(bytes, readAll(d));
        assertEquals(1, d.resumes());
    }

    @Test
    void truncatedBodyWithoutRangeSupportRereadsAndSkips() throws Exception {
        byte[] bytes = data(300_000);
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).inScenario("trunc").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withBody(java.util.Arrays.copyOf(bytes, 100_000))).willSetStateTo("whole"));
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).inScenario("trunc").whenScenarioStateIs("whole")
                .willReturn(aResponse().withStatus(200).withBody(bytes)));
        assertArrayEquals(bytes, readAll(connect().download(image(imageJson("active", bytes)))));
    }

    @Test
    void alwaysTruncatedFailsAsTruncated() throws Exception {
        byte[] bytes = data(300_000);
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file"))
                .willReturn(aResponse().withStatus(200).withBody(java.util.Arrays.copyOf(bytes, 100_000))));
        assertThrows(TruncatedDownloadException.class,
                () -> connect().download(image(imageJson("active", bytes))).transferTo(OutputStream.nullOutputStream()));
    }

    @Test
    void connectionResetMidDownloadResumes() throws Exception {
        byte[] bytes = data(2_000_000);
        try (ResettingServer server = new ResettingServer(bytes, 500_000)) {
            wm.stubFor(post(urlEqualTo("/v3/auth/tokens")).willReturn(aResponse().withStatus(201)
                    .withHeader("X-Subject-Token", "tok-1").withHeader("Content-Type", "application/json")
                    .withBody(tokenBody(Instant.now().plus(1, ChronoUnit.HOURS), "public", "RegionOne")
                            .replace(wm.baseUrl() + "/v2/", server.url()))));
            VerifyingDownload d = connect().download(image(imageJson("active", bytes)));
            assertArrayEquals(bytes, readAll(d));
            assertEquals(1, d.resumes());
            // A reset discards what was still in flight, so the resume point is at most the cut.
            List<String> ranges = server.ranges();
            assertEquals(2, ranges.size());
            assertEquals("", ranges.get(0));
            long resumedAt = Long.parseLong(ranges.get(1).replaceAll("bytes=(\\d+)-", "$1"));
            assertTrue(resumedAt > 0 && resumedAt <= 500_000, ranges.toString());
        }
    }

    @Test
    void queuedImagesHaveNoData() throws Exception {
        IOException e = assertThrows(IOException.class, () -> connect().download(image(imageJson("queued", null))));
        assertTrue(e.getMessage().contains("queued"), e.getMessage());
    }

    // ---- ranges ------------------------------------------------------------------------------

    @Test
    void rangeSourceProbesFor206AndReadsRanges() throws Exception {
        byte[] bytes = data(1_000_000);
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).withHeader("Range", equalTo("bytes=0-65535"))
                .willReturn(aResponse().withStatus(206).withHeader("Content-Range", "bytes 0-65535/1000000")
                        .withBody(java.util.Arrays.copyOf(bytes, 65536))));
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).withHeader("Range", equalTo("bytes=655360-720895"))
                .willReturn(aResponse().withStatus(206).withHeader("Content-Range", "bytes 655360-720895/1000000")
                        .withBody(java.util.Arrays.copyOfRange(bytes, 655360, 720896))));
        HttpRangeByteSource src = connect().openRanges(image(imageJson("active", bytes))).orElseThrow();
        assertEquals(1_000_000, src.size());
        byte[] header = src.readBytes(512, 100);
        assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 512, 612), header);
        byte[] far = src.readBytes(700_000, 10);
        assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 700_000, 700_010), far);
        src.readBytes(700_100, 10);
        assertEquals(2, src.requests(), "the probe's block and one more, each fetched once");
    }

    @Test
    void rangeAnsweredWith200MeansStreamInstead() throws Exception {
        byte[] bytes = data(1_000_000);
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(200).withBody(bytes)));
        assertEquals(Optional.empty(), connect().openRanges(image(imageJson("active", bytes))));
    }

    @Test
    void aRangeAnswerForTheWrongBytesIsRefused() throws Exception {
        byte[] bytes = data(1_000_000);
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(206)
                .withHeader("Content-Range", "bytes 10-65545/1000000").withBody(java.util.Arrays.copyOfRange(bytes, 10, 65546))));
        IOException e = assertThrows(IOException.class, () -> connect().openRanges(image(imageJson("active", bytes))));
        assertTrue(e.getMessage().contains("Content-Range"), e.getMessage());
    }

    @Test
    void deleteOfAMissingImageIsFalse() throws Exception {
        wm.stubFor(delete(urlEqualTo("/v2/images/" + ID)).willReturn(aResponse().withStatus(404)));
        assertFalse(connect().delete(ID));
    }

    @Test
    void readsUseTheByteSourceContract() throws Exception {
        byte[] bytes = data(10);
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withStatus(206)
                .withHeader("Content-Range", "bytes 0-9/10").withBody(bytes)));
        HttpRangeByteSource src = connect().openRanges(image(imageJson("active", bytes))).orElseThrow();
        ByteBuffer b = ByteBuffer.allocate(20);
        assertEquals(10, src.read(0, b));
        assertEquals(-1, src.read(10, b));
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
