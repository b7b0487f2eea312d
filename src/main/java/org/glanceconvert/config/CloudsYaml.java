package org.glanceconvert.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The clouds of a clouds.yaml, with secure.yaml merged in as openstacksdk does (secure.yaml's
 * values override and extend the entries of the same name). Only the keys glance-convert acts on
 * are read; other tools' keys are left alone. Vendor {@code profile}s are refused rather than
 * half-applied.
 */
public final class CloudsYaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path source;
    private final ObjectNode clouds;

    private CloudsYaml(Path source, ObjectNode clouds) {
        this.source = source;
        this.clouds = clouds;
    }

    /** Loads the clouds.yaml (and secure.yaml, if any) that {@code locator} finds. */
    public static CloudsYaml load(CloudsYamlLocator locator) throws ConfigException {
        Path clouds = locator.findClouds().orElseThrow(() -> new ConfigException("clouds.yaml",
                "not found; looked at " + locator.cloudsCandidates()));
        return load(clouds, locator.findSecure());
    }

    public static CloudsYaml load(Path cloudsFile, Optional<Path> secureFile) throws ConfigException {
        ObjectNode root = read(cloudsFile);
        ObjectNode clouds = cloudsOf(root, cloudsFile);
        if (secureFile.isPresent()) {
            ObjectNode secure = cloudsOf(read(secureFile.get()), secureFile.get());
            merge(clouds, secure);
        }
        return new CloudsYaml(cloudsFile, clouds);
    }

    public Path source() {
        return source;
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        clouds.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The entry {@code name}, checked for everything glance-convert needs from it. */
    public CloudEntry entry(String name) throws ConfigException {
        JsonNode node = clouds.get(name);
        String where = "clouds." + name;
        if (node == null) {
            throw new ConfigException(where, "no such cloud in " + source + " (it has: " + String.join(", ", names()) + ")");
        }
        if (!node.isObject()) {
            throw new ConfigException(where, "must be a mapping in " + source);
        }
        try {
            ConfigNode c = ConfigNode.rootAt(node, where, null);
            if (c.has("profile")) {
                throw new ConfigException(c.keyPath("profile"), "vendor profiles are not supported; write auth_url, region_name and interface out");
            }
            Optional<String> apiVersion = c.optString("identity_api_version");
            if (apiVersion.isPresent() && !apiVersion.get().trim().startsWith("3")) {
                throw new ConfigException(c.keyPath("identity_api_version"), "only Keystone v3 is supported, not " + apiVersion.get());
            }
            ConfigNode auth = c.optObject("auth").orElseThrow(() -> new ConfigException(c.keyPath("auth"), "is required"));
            String authType = c.string("auth_type", "").trim().toLowerCase(Locale.ROOT);
            CloudAuth cloudAuth = switch (authType) {
                case "", "password", "v3password" -> {
                    if (authType.isEmpty() && (auth.has("application_credential_id") || auth.has("application_credential_secret"))) {
                        throw new ConfigException(c.keyPath("auth_type"), "must be v3applicationcredential for an application credential");
                    }
                    yield password(auth);
                }
                case "v3applicationcredential", "applicationcredential" -> applicationCredential(auth);
                default -> throw new ConfigException(c.keyPath("auth_type"),
                        "'" + authType + "' is not supported (use password or v3applicationcredential)");
            };
            String region = c.optString("region_name").map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
            String iface = normaliseInterface(c, c.string("interface", "public"));
            Path cacert = c.optPath("cacert").orElse(null);
            if (cacert != null && !Files.isReadable(cacert)) {
                throw new ConfigException(c.keyPath("cacert"), cacert + " is not a readable file");
            }
            boolean verify = c.bool("verify", true);
            return new CloudEntry(name, source, cloudAuth, region, iface, cacert, verify);
        } catch (ConfigException e) {
            throw new ConfigException(e.key(), stripKey(e) + " (in " + source + ")");
        }
    }

    private static PasswordAuth password(ConfigNode a) throws ConfigException {
        String authUrl = authUrl(a);
        String username = a.optString("username").orElse(null);
        String userId = a.optString("user_id").orElse(null);
        if (username == null && userId == null) {
            throw new ConfigException(a.keyPath("username"), "is required (or user_id)");
        }
        Secret password = new Secret(a.string("password"));
        String projectName = a.optString("project_name").or(() -> optQuiet(a, "tenant_name")).orElse(null);
        String projectId = a.optString("project_id").or(() -> optQuiet(a, "tenant_id")).orElse(null);
        if (projectName == null && projectId == null) {
            throw new ConfigException(a.keyPath("project_name"),
                    "is required (or project_id): glance-convert needs a project-scoped token");
        }
        String defaultDomainId = a.optString("default_domain_id").orElse(null);
        String defaultDomainName = a.optString("default_domain_name").orElse(null);
        String userDomainName = a.optString("user_domain_name").orElse(null);
        String userDomainId = a.optString("user_domain_id").orElse(null);
        if (userId == null && userDomainName == null && userDomainId == null) {
            userDomainId = defaultDomainId;
            userDomainName = defaultDomainName;
            if (userDomainId == null && userDomainName == null) {
                userDomainId = "default";
            }
        }
        String projectDomainName = a.optString("project_domain_name").orElse(null);
        String projectDomainId = a.optString("project_domain_id").orElse(null);
        if (projectId == null && projectDomainName == null && projectDomainId == null) {
            projectDomainId = defaultDomainId;
            projectDomainName = defaultDomainName;
            if (projectDomainId == null && projectDomainName == null) {
                projectDomainId = "default";
            }
        }
        return new PasswordAuth(authUrl, username, userId, password, projectName, projectId,
                userDomainName, userDomainId, projectDomainName, projectDomainId);
    }

    private static ApplicationCredentialAuth applicationCredential(ConfigNode a) throws ConfigException {
        String authUrl = authUrl(a);
        String id = a.optString("application_credential_id").orElse(null);
        String name = a.optString("application_credential_name").orElse(null);
        Secret secret = new Secret(a.string("application_credential_secret"));
        String username = a.optString("username").orElse(null);
        String userId = a.optString("user_id").orElse(null);
        String userDomainName = a.optString("user_domain_name").orElse(null);
        String userDomainId = a.optString("user_domain_id").orElse(null);
        if (id == null) {
            if (name == null) {
                throw new ConfigException(a.keyPath("application_credential_id"), "is required (or application_credential_name with its user)");
            }
            if (username == null && userId == null) {
                throw new ConfigException(a.keyPath("username"), "is required with application_credential_name (or user_id)");
            }
            if (userId == null && userDomainName == null && userDomainId == null) {
                userDomainId = "default";
            }
        }
        return new ApplicationCredentialAuth(authUrl, id, name, secret, username, userId, userDomainName, userDomainId);
    }

    /** Keystone's v3 root: a bare {@code http://host:5000} gets {@code /v3}, like version discovery would find. */
    private static String authUrl(ConfigNode a) throws ConfigException {
        String url = a.uri("auth_url", java.util.Set.of("http", "https")).toString();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        if (url.endsWith("/v2.0")) {
            throw new ConfigException(a.keyPath("auth_url"), "Keystone v2.0 is not supported; use the /v3 URL");
        }
        return url.endsWith("/v3") ? url : url + "/v3";
    }

    private static String normaliseInterface(ConfigNode c, String value) throws ConfigException {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("url")) {
            v = v.substring(0, v.length() - 3);
        }
        if (!v.equals("public") && !v.equals("internal") && !v.equals("admin")) {
            throw new ConfigException(c.keyPath("interface"), "must be public, internal or admin, not '" + value + "'");
        }
        return v;
    }

    private static Optional<String> optQuiet(ConfigNode a, String key) {
        try {
            return a.optString(key);
        } catch (ConfigException e) {
            return Optional.empty();
        }
    }

    private static String stripKey(ConfigException e) {
        String m = e.getMessage();
        return e.key().isEmpty() ? m : m.substring(e.key().length() + 2);
    }

    private static ObjectNode read(Path file) throws ConfigException {
        String name = file.getFileName().toString();
        try {
            byte[] bytes = Files.readAllBytes(file);
            JsonNode root = (name.endsWith(".json") ? JSON : YAML).readTree(bytes);
            if (root == null || !root.isObject()) {
                throw new ConfigException("", file + " is not a mapping with a 'clouds' key");
            }
            return (ObjectNode) root;
        } catch (JsonProcessingException e) {
            throw new ConfigException("", file + " is not valid " + (name.endsWith(".json") ? "JSON" : "YAML")
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("", "cannot read " + file + ": " + e.getMessage());
        }
    }

    private static ObjectNode cloudsOf(ObjectNode root, Path file) throws ConfigException {
        JsonNode clouds = root.get("clouds");
        if (clouds == null || !clouds.isObject()) {
            throw new ConfigException("clouds", "missing or not a mapping in " + file);
        }
        return (ObjectNode) clouds;
    }

    private static void merge(ObjectNode into, ObjectNode from) {
        Iterator<Map.Entry<String, JsonNode>> it = from.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode target && e.getValue() instanceof ObjectNode source) {
                merge(target, source);
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }
}
