package org.glanceconvert.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudsYamlLocatorTest {
    @TempDir
    Path root;
    Path cwd;
    Path home;
    Path etc;
    final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void dirs() throws Exception {
        cwd = Files.createDirectories(root.resolve("cwd"));
        home = Files.createDirectories(root.resolve("home"));
        etc = Files.createDirectories(root.resolve("etc/openstack"));
    }

    private CloudsYamlLocator locator() {
        return new CloudsYamlLocator(env, cwd, home, etc);
    }

    private Path write(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "clouds: {}\n");
    }

    @Test
    void searchOrderIsOverrideThenCwdThenUserThenSite() {
        env.put("OS_CLIENT_CONFIG_FILE", "/x/mine.yaml");
        List<Path> c = locator().cloudsCandidates();
        assertEquals(List.of(
                Path.of("/x/mine.yaml"),
                cwd.resolve("clouds.yaml"), cwd.resolve("clouds.yml"), cwd.resolve("clouds.json"),
                home.resolve(".config/openstack/clouds.yaml"), home.resolve(".config/openstack/clouds.yml"),
                home.resolve(".config/openstack/clouds.json"),
                etc.resolve("clouds.yaml"), etc.resolve("clouds.yml"), etc.resolve("clouds.json")), c);
    }

    @Test
    void firstExistingFileWinsAtEveryStep() throws Exception {
        assertEquals(Optional.empty(), locator().findClouds());
        Path site = write(etc.resolve("clouds.yaml"));
        assertEquals(Optional.of(site), locator().findClouds());
        Path userYml = write(home.resolve(".config/openstack/clouds.yml"));
        assertEquals(Optional.of(userYml), locator().findClouds());
        Path user = write(home.resolve(".config/openstack/clouds.yaml"));
        assertEquals(Optional.of(user), locator().findClouds(), ".yaml before .yml");
        Path here = write(cwd.resolve("clouds.yaml"));
        assertEquals(Optional.of(here), locator().findClouds());
        Path override = write(root.resolve("elsewhere/c.yaml"));
        env.put("OS_CLIENT_CONFIG_FILE", override.toString());
        assertEquals(Optional.of(override), locator().findClouds());
    }

    @Test
    void aMissingOverrideFallsBackToTheSearchPathLikeOpenstacksdk() throws Exception {
        Path here = write(cwd.resolve("clouds.yaml"));
        env.put("OS_CLIENT_CONFIG_FILE", root.resolve("missing.yaml").toString());
        assertEquals(Optional.of(here), locator().findClouds());
    }

    @Test
    void aRelativeOverrideIsRelativeToTheWorkingDirectory() throws Exception {
        Path f = write(cwd.resolve("sub/c.yaml"));
        env.put("OS_CLIENT_CONFIG_FILE", "sub/c.yaml");
        assertEquals(Optional.of(f), locator().findClouds());
    }

    @Test
    void xdgConfigHomeComesBeforeDotConfig() throws Exception {
        Path xdg = root.resolve("xdg");
        env.put("XDG_CONFIG_HOME", xdg.toString());
        write(home.resolve(".config/openstack/clouds.yaml"));
        Path x = write(xdg.resolve("openstack/clouds.yaml"));
        assertEquals(Optional.of(x), locator().findClouds());
    }

    @Test
    void secureYamlHasItsOwnOverrideAndTheSamePlaces() throws Exception {
        Path user = write(home.resolve(".config/openstack/secure.yaml"));
        assertEquals(Optional.of(user), locator().findSecure());
        Path o = write(root.resolve("s.yaml"));
        env.put("OS_CLIENT_SECURE_FILE", o.toString());
        assertEquals(Optional.of(o), locator().findSecure());
        assertTrue(locator().secureCandidates().contains(etc.resolve("secure.yaml")));
    }
}
