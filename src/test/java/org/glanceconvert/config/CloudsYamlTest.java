package org.glanceconvert.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CloudsYamlTest {
    @TempDir
    Path dir;

    private CloudsYaml load(String yaml) throws Exception {
        return CloudsYaml.load(Files.writeString(dir.resolve("clouds.yaml"), yaml), Optional.empty());
    }

    @Test
    void passwordAuthByNames() throws Exception {
        CloudEntry e = load("""
                clouds:
                  prod:
                    auth:
                      auth_url: https://keystone.example:5000/v3/
                      username: glance-convert
                      password: pw
                      project_name: service
                      user_domain_name: Users
                      project_domain_name: Default
                    region_name: RegionTwo
                    interface: internal
                    verify: false
                    some_other_tool_key: ignored
                """).entry("prod");
        PasswordAuth a = assertInstanceOf(PasswordAuth.class, e.auth());
        assertEquals("https://keystone.example:5000/v3", a.authUrl());
        assertEquals("glance-convert", a.username());
        assertEquals("pw", a.password().reveal());
        assertEquals("service", a.projectName());
        assertEquals("Users", a.userDomainName());
        assertNull(a.userDomainId());
        assertEquals("Default", a.projectDomainName());
        assertEquals("RegionTwo", e.region());
        assertEquals("internal", e.endpointInterface());
        assertFalse(e.verify());
        assertFalse(a.toString().contains("pw"), a.toString());
    }

    @Test
    void passwordAuthByIdsAndDefaults() throws Exception {
        CloudEntry e = load("""
                clouds:
                  c:
                    auth_type: v3password
                    auth: {auth_url: "http://k:5000", user_id: u1, password: pw, project_id: p1}
                """).entry("c");
        PasswordAuth a = (PasswordAuth) e.auth();
        assertEquals("http://k:5000/v3", a.authUrl(), "a bare Keystone URL means its v3 API");
        assertEquals("u1", a.userId());
        assertEquals("p1", a.projectId());
        assertNull(a.projectDomainId(), "a project id needs no domain");
        assertNull(e.region());
        assertEquals("public", e.endpointInterface());
        assertTrue(e.verify());
    }

    @Test
    void userAndProjectDomainDefaultToDefault() throws Exception {
        PasswordAuth a = (PasswordAuth) load("""
                clouds:
                  c:
                    auth: {auth_url: "http://k/v3", username: u, password: pw, project_name: p}
                    interface: publicURL
                """).entry("c").auth();
        assertEquals("default", a.userDomainId());
        assertEquals("default", a.projectDomainId());
    }

    @Test
    void applicationCredentialById() throws Exception {
        CloudEntry e = load("""
                clouds:
                  c:
                    auth_type: v3applicationcredential
                    auth:
                      auth_url: http://k/v3
                      application_credential_id: ac1
                      application_credential_secret: s3cr3t
                """).entry("c");
        ApplicationCredentialAuth a = assertInstanceOf(ApplicationCredentialAuth.class, e.auth());
        assertEquals("ac1", a.id());
        assertEquals("s3cr3t", a.secret().reveal());
        assertFalse(a.toString().contains("s3cr3t"));
        assertFalse(e.toString().contains("s3cr3t"), e.toString());
    }

    @Test
    void applicationCredentialByNameNeedsItsUser() throws Exception {
        ApplicationCredentialAuth a = (ApplicationCredentialAuth) load("""
                clouds:
                  c:
                    auth_type: v3applicationcredential
                    auth: {auth_url: "http://k/v3", application_credential_name: n, application_credential_secret: s, username: u}
                """).entry("c").auth();
        assertEquals("n", a.name());
        assertEquals("u", a.username());
        assertEquals("default", a.userDomainId());
    }

    @Test
    void secureYamlIsMergedIntoTheEntries() throws Exception {
        Path clouds = Files.writeString(dir.resolve("clouds.yaml"), """
                clouds:
                  c:
                    auth: {auth_url: "http://k/v3", username: u, project_name: p}
                    region_name: R1
                """);
        Path secure = Files.writeString(dir.resolve("secure.yaml"), """
                clouds:
                  c:
                    auth: {password: from-secure}
                    region_name: R2
                """);
        CloudEntry e = CloudsYaml.load(clouds, Optional.of(secure)).entry("c");
        PasswordAuth a = (PasswordAuth) e.auth();
        assertEquals("from-secure", a.password().reveal());
        assertEquals("u", a.username(), "keys only in clouds.yaml stay");
        assertEquals("R2", e.region(), "secure.yaml wins");
    }

    @Test
    void loadsThroughTheLocatorAndReadsJson() throws Exception {
        Files.writeString(dir.resolve("clouds.json"),
                "{\"clouds\": {\"j\": {\"auth\": {\"auth_url\": \"http://k/v3\", \"username\": \"u\", \"password\": \"p\", \"project_name\": \"p\"}}}}");
        CloudsYaml c = CloudsYaml.load(new CloudsYamlLocator(Map.of(), dir, dir.resolve("nohome"), dir.resolve("noetc")));
        assertEquals(dir.resolve("clouds.json"), c.source());
        assertEquals("u", ((PasswordAuth) c.entry("j").auth()).username());
    }

    @Test
    void noFileAnywhereSaysWhereItLooked() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> CloudsYaml.load(new CloudsYamlLocator(Map.of(), dir, dir, dir.resolve("etc"))));
        assertTrue(e.getMessage().contains("clouds.yaml") && e.getMessage().contains(dir.toString()), e.getMessage());
    }

    static Stream<Arguments> invalidEntries() {
        return Stream.of(
                Arguments.of("auth: {auth_url: 'http://k/v3', username: u, password: p, project_name: p}\n    profile: vexxhost", "clouds.c.profile", "vendor profiles"),
                Arguments.of("auth: {auth_url: 'http://k/v3', username: u, password: p, project_name: p}\n    identity_api_version: 2", "clouds.c.identity_api_version", "v3"),
                Arguments.of("region_name: R", "clouds.c.auth", "is required"),
                Arguments.of("auth: {username: u, password: p, project_name: p}", "clouds.c.auth.auth_url", "is required"),
                Arguments.of("auth: {auth_url: 'ftp://k', username: u, password: p, project_name: p}", "clouds.c.auth.auth_url", "http or https"),
                Arguments.of("auth: {auth_url: 'http://k/v2.0', username: u, password: p, project_name: p}", "clouds.c.auth.auth_url", "v2.0"),
                Arguments.of("auth: {auth_url: 'http://k/v3', password: p, project_name: p}", "clouds.c.auth.username", "is required"),
                Arguments.of("auth: {auth_url: 'http://k/v3', username: u, project_name: p}", "clouds.c.auth.password", "is required"),
                Arguments.of("auth: {auth_url: 'http://k/v3', username: u, password: p}", "clouds.c.auth.project_name", "project-scoped"),
                Arguments.of("auth_type: token\n    auth: {auth_url: 'http://k/v3'}", "clouds.c.auth_type", "not supported"),
                Arguments.of("auth: {auth_url: 'http://k/v3', application_credential_id: a, application_credential_secret: s}", "clouds.c.auth_type", "v3applicationcredential"),
                Arguments.of("auth_type: v3applicationcredential\n    auth: {auth_url: 'http://k/v3', application_credential_id: a}", "clouds.c.auth.application_credential_secret", "is required"),
                Arguments.of("auth_type: v3applicationcredential\n    auth: {auth_url: 'http://k/v3', application_credential_secret: s}", "clouds.c.auth.application_credential_id", "is required"),
                Arguments.of("auth_type: v3applicationcredential\n    auth: {auth_url: 'http://k/v3', application_credential_name: n, application_credential_secret: s}", "clouds.c.auth.username", "is required"),
                Arguments.of("auth: {auth_url: 'http://k/v3', username: u, password: p, project_name: p}\n    interface: private", "clouds.c.interface", "public, internal or admin"),
                Arguments.of("auth: {auth_url: 'http://k/v3', username: u, password: p, project_name: p}\n    verify: sometimes", "clouds.c.verify", "true or false"),
                Arguments.of("auth: {auth_url: 'http://k/v3', username: u, password: p, project_name: p}\n    cacert: /nonexistent/ca.pem", "clouds.c.cacert", "readable"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidEntries")
    void invalidEntryNamesTheKey(String body, String key, String fragment) throws Exception {
        CloudsYaml c = load("clouds:\n  c:\n    " + body + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> c.entry("c"));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("clouds.yaml").toString()), "names the file: " + e.getMessage());
        assertFalse(e.getMessage().contains("password: p"), e.getMessage());
    }

    @Test
    void unknownCloudListsTheKnownOnes() throws Exception {
        CloudsYaml c = load("clouds:\n  a: {}\n  b: {}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> c.entry("x"));
        assertEquals("clouds.x", e.key());
        assertTrue(e.getMessage().contains("a, b"), e.getMessage());
    }

    @Test
    void fileWithoutCloudsIsRefused() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load("other: 1\n"));
        assertEquals("clouds", e.key());
    }
}
