package org.glanceconvert.glance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.glanceconvert.config.CloudEntry;
import org.glanceconvert.config.CloudsYaml;
import org.glanceconvert.config.ConfigException;

/**
 * The Keystone + Glance that integration-tests/up.sh started, found through the env file it
 * wrote: {@code $GLANCE_CONVERT_IT_ENV}, else {@code /tmp/glance-convert-it/env}. Integration
 * tests fail (not skip) without it: they run only when asked for.
 */
public final class ItEnvironment {
    private final Map<String, String> values;

    private ItEnvironment(Map<String, String> values) {
        this.values = values;
    }

    public static ItEnvironment load() {
        String configured = System.getenv("GLANCE_CONVERT_IT_ENV");
        Path file = Path.of(configured != null && !configured.isBlank() ? configured : "/tmp/glance-convert-it/env");
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("no integration environment at " + file
                    + ": start one with integration-tests/up.sh and set GLANCE_CONVERT_IT_ENV to its env file");
        }
        Map<String, String> v = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String l = line.trim();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                if (l.startsWith("export ")) {
                    l = l.substring(7);
                }
                int eq = l.indexOf('=');
                if (eq > 0) {
                    v.put(l.substring(0, eq), l.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        return new ItEnvironment(v);
    }

    public String get(String key) {
        String s = values.get(key);
        if (s == null) {
            throw new IllegalStateException(key + " missing from the integration env file");
        }
        return s;
    }

    public Optional<String> find(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Path cloudsYaml() {
        return Path.of(get("OS_CLIENT_CONFIG_FILE"));
    }

    public CloudEntry cloud(String name) throws ConfigException {
        return CloudsYaml.load(cloudsYaml(), Optional.empty()).entry(name);
    }

    public GlanceClient client(String cloud) throws IOException, ConfigException {
        return GlanceClient.connect(cloud(cloud), ClientOptions.defaults());
    }
}
