package org.glanceconvert.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds clouds.yaml (and secure.yaml) the way openstacksdk, and with it the openstack CLI, does:
 * the file named by {@code OS_CLIENT_CONFIG_FILE} ({@code OS_CLIENT_SECURE_FILE}) first, then in
 * the current directory, the user's config directory ({@code $XDG_CONFIG_HOME/openstack} and
 * {@code ~/.config/openstack}) and {@code /etc/openstack}, each as {@code .yaml}, {@code .yml},
 * {@code .json}. The first file that exists wins; files are never merged with each other.
 */
public final class CloudsYamlLocator {
    private static final List<String> SUFFIXES = List.of(".yaml", ".yml", ".json");

    private final Map<String, String> env;
    private final Path cwd;
    private final Path home;
    private final Path siteDir;

    public CloudsYamlLocator(Map<String, String> env, Path cwd, Path home, Path siteDir) {
        this.env = Map.copyOf(env);
        this.cwd = cwd;
        this.home = home;
        this.siteDir = siteDir;
    }

    /** The locator of this process: its environment, working directory, home and /etc/openstack. */
    public static CloudsYamlLocator system() {
        return new CloudsYamlLocator(System.getenv(), Path.of("").toAbsolutePath(),
                Path.of(System.getProperty("user.home")), Path.of("/etc/openstack"));
    }

    /** Every place clouds.yaml is looked for, in order. */
    public List<Path> cloudsCandidates() {
        return candidates("clouds", "OS_CLIENT_CONFIG_FILE");
    }

    /** Every place secure.yaml is looked for, in order. */
    public List<Path> secureCandidates() {
        return candidates("secure", "OS_CLIENT_SECURE_FILE");
    }

    public Optional<Path> findClouds() {
        return first(cloudsCandidates());
    }

    public Optional<Path> findSecure() {
        return first(secureCandidates());
    }

    private List<Path> candidates(String base, String overrideVar) {
        Set<Path> out = new LinkedHashSet<>();
        String override = env.get(overrideVar);
        if (override != null && !override.isBlank()) {
            out.add(cwd.resolve(override));
        }
        for (Path dir : dirs()) {
            for (String suffix : SUFFIXES) {
                out.add(dir.resolve(base + suffix));
            }
        }
        return new ArrayList<>(out);
    }

    private List<Path> dirs() {
        List<Path> dirs = new ArrayList<>();
        dirs.add(cwd);
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            dirs.add(Path.of(xdg).resolve("openstack"));
        }
        dirs.add(home.resolve(".config").resolve("openstack"));
        dirs.add(siteDir);
        return dirs;
    }

    private static Optional<Path> first(List<Path> candidates) {
        return candidates.stream().filter(Files::isRegularFile).findFirst();
    }
}
