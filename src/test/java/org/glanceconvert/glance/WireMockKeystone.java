package org.glanceconvert.glance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * A Keystone on a WireMock server that issues token {@code tok} for project {@code service},
 * valid one hour, whose catalog's public image endpoint (region {@code R}) is the same server.
 */
public final class WireMockKeystone {
    private static final DateTimeFormatter KEYSTONE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private WireMockKeystone() {
    }

    public static void stubToken(WireMockExtension wm) {
        String body = """
                {"token": {"methods": ["password"], "expires_at": "%s", "issued_at": "%s",
                  "project": {"id": "p-service", "name": "service", "domain": {"id": "default", "name": "Default"}},
                  "catalog": [{"type": "image", "name": "glance", "id": "s1", "endpoints": [
                      {"id": "e1", "interface": "public", "region": "R", "region_id": "R", "url": "%s"}]}]}}
                """.formatted(KEYSTONE_TIME.format(Instant.now().plus(1, ChronoUnit.HOURS)),
                KEYSTONE_TIME.format(Instant.now()), wm.baseUrl());
        wm.stubFor(post(urlEqualTo("/v3/auth/tokens")).willReturn(aResponse().withStatus(201)
                .withHeader("X-Subject-Token", "tok").withHeader("Content-Type", "application/json").withBody(body)));
    }
}
