package org.glanceconvert.glance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.glanceconvert.config.ApplicationCredentialAuth;
import org.glanceconvert.config.CloudEntry;
import org.glanceconvert.config.PasswordAuth;
import org.glanceconvert.config.Secret;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * clouds.yaml {@code cacert} and {@code verify} over real TLS (WireMock's HTTPS port with its
 * own certificate): the CA bundle is trusted, the system trust is not enough, verify=false works.
 * With a cacert, Keystone is reached through {@link HttpKeystoneAuthenticator}.
 */
class CacertTlsTest {
    private static final Path KEYSTORE = localhostKeystore();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().dynamicHttpsPort().keystorePath(KEYSTORE.toString())
                    .keystorePassword("changeit").keyManagerPassword("changeit").keystoreType("PKCS12")).build();

    /** A self-signed certificate for localhost (WireMock's built-in one names no host), made with the JDK's keytool. */
    private static Path localhostKeystore() {
        try {
            Path dir = Files.createTempDirectory("gc-tls");
            Path ks = dir.resolve("localhost.p12");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            dir.toFile().deleteOnExit(); // deleteOnExit runs in reverse order: the file first, then its directory
            ks.toFile().deleteOnExit();
            return ks;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @TempDir
    Path dir;
    private String https;
    private final ClientOptions options = ClientOptions.defaults()
            .withRetry(RetryPolicy.defaults().withAttempts(1)).withReadTimeout(Duration.ofSeconds(5));

    @BeforeEach
    void stubs() {
        https = "https://localhost:" + wm.getRuntimeInfo().getHttpsPort();
        String expires = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now().plus(1, ChronoUnit.HOURS));
        wm.stubFor(post(urlEqualTo("/v3/auth/tokens")).willReturn(aResponse().withStatus(201)
                .withHeader("X-Subject-Token", "tok").withHeader("Content-Type", "application/json")
                .withBody("{\"token\": {\"expires_at\": \"" + expires + "\", \"issued_at\": \"" + expires + "\","
                        + " \"project\": {\"id\": \"p1\"}, \"catalog\": [{\"type\": \"image\", \"endpoints\": ["
                        + "{\"interface\": \"public\", \"region_id\": \"RegionOne\", \"url\": \"" + https + "/v2\"}]}]}}")));
        wm.stubFor(get(urlEqualTo("/v2/images/i1")).willReturn(aResponse().withStatus(200).withBody("{\"id\": \"i1\"}")));
    }

    private CloudEntry cloud(Path cacert, boolean verify) {
        return new CloudEntry("tls", dir.resolve("clouds.yaml"), new PasswordAuth(https + "/v3", "u", null, new Secret("pw"),
                null, "p1", null, "default", null, null), "RegionOne", "public", cacert, verify);
    }

    private Path serverCertificate() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        StringBuilder pem = new StringBuilder();
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", wm.getRuntimeInfo().getHttpsPort())) {
            s.startHandshake();
            for (Certificate c : s.getSession().getPeerCertificates()) {
                pem.append("-----BEGIN CERTIFICATE-----\n")
                        .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            }
        }
        return Files.writeString(dir.resolve("ca.pem"), pem);
    }

    @Test
    void cacertIsTrustedForKeystoneAndGlance() throws Exception {
        try (GlanceClient c = GlanceClient.connect(cloud(serverCertificate(), true), options)) {
            assertEquals(https, c.session().imageEndpoint().url());
            assertTrue(c.get("i1").isPresent());
        }
        wm.verify(postRequestedFor(urlEqualTo("/v3/auth/tokens"))
                .withRequestBody(matchingJsonPath("$.auth.identity.password.user.name", equalTo("u")))
                .withRequestBody(matchingJsonPath("$.auth.scope.project.id", equalTo("p1"))));
    }

    @Test
    void anUnknownCertificateIsRefused() {
        assertThrows(KeystoneException.class, () -> GlanceClient.connect(cloud(null, true), options));
    }

    @Test
    void verifyFalseAcceptsItThroughOpenstack4j() throws Exception {
        try (GlanceClient c = GlanceClient.connect(cloud(null, false), options)) {
            assertTrue(c.get("i1").isPresent());
        }
    }

    @Test
    void applicationCredentialOverTheDirectPath() throws Exception {
        CloudEntry app = new CloudEntry("tls", dir.resolve("clouds.yaml"), new ApplicationCredentialAuth(https + "/v3", null,
                "name1", new Secret("s"), "u", null, null, "default"), "RegionOne", "public", serverCertificate(), true);
        try (GlanceClient c = GlanceClient.connect(app, options)) {
            c.session().token();
        }
        wm.verify(postRequestedFor(urlEqualTo("/v3/auth/tokens"))
                .withRequestBody(matchingJsonPath("$.auth.identity.methods[0]", equalTo("application_credential")))
                .withRequestBody(matchingJsonPath("$.auth.identity.application_credential.name", equalTo("name1")))
                .withRequestBody(matchingJsonPath("$.auth.identity.application_credential.user.domain.id", equalTo("default"))));
    }
}
