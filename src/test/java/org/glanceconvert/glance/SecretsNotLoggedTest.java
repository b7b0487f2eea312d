package org.glanceconvert.glance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.glanceconvert.config.ApplicationCredentialAuth;
import org.glanceconvert.config.CloudEntry;
import org.glanceconvert.config.PasswordAuth;
import org.glanceconvert.config.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Runs the client's noisy paths with every logger at DEBUG and looks for secrets in the output. */
class SecretsNotLoggedTest {
    private static final String PASSWORD = "Pw-9f3a7c1e-secret";
    private static final String APP_SECRET = "AppSecret-77d1e0b2";
    private static final String TOKEN = "gAAAAA-token-4c1d9e";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();

    @Test
    void noPasswordSecretOrTokenReachesAnyLogLine() throws Exception {
        String expires = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC)
                .format(java.time.Instant.now().plus(1, ChronoUnit.HOURS));
        wm.stubFor(post(urlEqualTo("/v3/auth/tokens")).willReturn(aResponse().withStatus(201)
                .withHeader("X-Subject-Token", TOKEN).withHeader("Content-Type", "application/json")
                .withBody("{\"token\": {\"expires_at\": \"" + expires + "\", \"project\": {\"id\": \"p\"}, \"catalog\": ["
                        + "{\"type\": \"image\", \"endpoints\": [{\"interface\": \"public\", \"region_id\": \"R\", \"region\": \"R\","
                        + " \"url\": \"" + wm.baseUrl() + "\"}]}]}}")));
        wm.stubFor(get(urlEqualTo("/v2/images/x")).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(401)).willSetStateTo("a"));
        wm.stubFor(get(urlEqualTo("/v2/images/x")).inScenario("s").whenScenarioStateIs("a")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("b"));
        wm.stubFor(get(urlEqualTo("/v2/images/x")).inScenario("s").whenScenarioStateIs("b")
                .willReturn(aResponse().withStatus(200).withBody("{\"id\": \"x\"}")));
        wm.stubFor(put(urlEqualTo("/v2/images/x/file")).willReturn(aResponse().withStatus(500)));

        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.DEBUG);
        try {
            ClientOptions options = ClientOptions.defaults().withRetry(RetryPolicy.defaults().withAttempts(2).withSleeper(d -> { }))
                    .withReadTimeout(Duration.ofSeconds(5));
            CloudEntry pw = new CloudEntry("pw", Path.of("clouds.yaml"), new PasswordAuth(wm.baseUrl() + "/v3", "u", null,
                    new Secret(PASSWORD), "p", null, null, "default", null, "default"), "R", "public", null, true);
            try (GlanceClient c = GlanceClient.connect(pw, options)) {
                assertTrue(c.get("x").isPresent());
                assertThrows(GlanceException.class, () -> c.upload("x", UploadBody.ofStream(new ByteArrayInputStream(new byte[10]), 10)));
            }
            CloudEntry app = new CloudEntry("app", Path.of("clouds.yaml"), new ApplicationCredentialAuth(wm.baseUrl() + "/v3",
                    "ac", null, new Secret(APP_SECRET), null, null, null, null), "R", "public", null, true);
            try (GlanceClient c = GlanceClient.connect(app, options)) {
                c.session().token();
            }
        } finally {
            root.detachAppender(appender);
            root.setLevel(level);
            appender.stop();
        }
        // Jetty's and OkHttp's threads may still be appending: AppenderBase.doAppend holds the
        // appender's lock, so copy under it.
        java.util.List<ILoggingEvent> events;
        synchronized (appender) {
            events = new java.util.ArrayList<>(appender.list);
        }
        assertTrue(events.size() > 3, "the run logged something");
        for (ILoggingEvent e : events) {
            if (e.getLoggerName().startsWith("org.eclipse.jetty") || e.getLoggerName().contains("wiremock")) {
                continue; // the fake server's own logs, not ours
            }
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage());
            for (String secret : new String[] {PASSWORD, APP_SECRET, TOKEN}) {
                assertFalse(line.contains(secret), "secret in log line: " + line);
            }
        }
    }
}
