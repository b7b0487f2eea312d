package org.glanceconvert.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and validates glance-convert.yaml. Every problem is a {@link ConfigException} naming the
 * key; unknown keys are refused (a misspelt {@code orignal: delete} must not silently mean the
 * default). Relative paths are relative to the config file's directory. The documented example
 * is {@code config/glance-convert.yaml}.
 */
public final class DaemonConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern CLOUD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    /** The RFC 4122 namespaces: public, so no secret. */
    private static final Set<UUID> WELL_KNOWN_NAMESPACES = Set.of(
            UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
            UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8"),
            UUID.fromString("6ba7b812-9dad-11d1-80b4-00c04fd430c8"),
            UUID.fromString("6ba7b814-9dad-11d1-80b4-00c04fd430c8"),
            new UUID(0, 0));

    static final long DEFAULT_MIN_FREE = 10L << 30;
    static final long DEFAULT_MAX_VIRTUAL_SIZE = 2L << 40;

    private final Map<String, String> env;

    public DaemonConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static DaemonConfigLoader system() {
        return new DaemonConfigLoader(System.getenv());
    }

    public DaemonConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("", "cannot read " + file + ": " + e.getMessage());
        }
        Path abs = file.toAbsolutePath();
        return parse(text, abs, abs.getParent());
    }

    /**
     * Only where the conversion log of a configuration is, without validating the rest (the
     * {@code log} command must work without the daemon's secrets in its environment).
     */
    public Path conversionLog(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("", "cannot read " + file + ": " + e.getMessage());
        }
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException("", "not valid YAML: " + e.getOriginalMessage());
        }
        ConfigNode c = ConfigNode.root(root, env, file.toAbsolutePath().getParent());
        Optional<Path> log = c.optPath("conversion_log");
        if (log.isPresent()) {
            return log.get();
        }
        return c.optPath("work_dir").orElseThrow(() -> new ConfigException("work_dir", "is required"))
                .resolve("conversions.jsonl");
    }

    /** Parses config text; {@code baseDir} anchors relative paths. */
    public DaemonConfig parse(String yaml, Path source, Path baseDir) throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException("", "not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        ConfigNode c = ConfigNode.root(root, env, baseDir);

        UUID namespace = idNamespace(c);
        Path workDir = c.optPath("work_dir").orElseThrow(() -> new ConfigException("work_dir", "is required"));
        long minFree = c.size("work_dir_min_free", DEFAULT_MIN_FREE, 0);
        int concurrency = c.integer("concurrency", 2, 1, 64);
        Duration poll = c.duration("poll_interval", Duration.ofSeconds(60), Duration.ofSeconds(1));
        long maxVirtual = c.size("max_virtual_size", DEFAULT_MAX_VIRTUAL_SIZE, 1);
        RetrySettings retry = retry(c);
        Duration lease = c.duration("lease", Duration.ofMinutes(10), Duration.ofSeconds(10));
        Duration grace = c.duration("shutdown_grace", Duration.ofMinutes(5), Duration.ZERO);
        Path conversionLog = c.optPath("conversion_log").orElse(workDir.resolve("conversions.jsonl"));
        MetricsSettings metrics = metrics(c);
        LogFormat logFormat = c.choice("log_format", LogFormat.CONSOLE, LogFormat.values(), LogFormat::configName);
        boolean dryRun = c.bool("dry_run", false);
        java.time.Instant startFrom = startFrom(c);
        Duration overlap = c.duration("poll_overlap", Duration.ofMinutes(5), Duration.ZERO);
        List<CloudSettings> clouds = clouds(c);
        c.requireNoOtherKeys();

        if (lease.compareTo(poll) < 0) {
            throw new ConfigException("lease", "must be at least poll_interval (" + poll + "), or claims expire between polls");
        }
        return new DaemonConfig(source, clouds, workDir, minFree, concurrency, poll, maxVirtual, retry, lease, grace,
                conversionLog, metrics, logFormat, namespace, dryRun, startFrom, overlap);
    }

    /** {@code start_from}: now (default), all, or an ISO-8601 time. */
    private static java.time.Instant startFrom(ConfigNode c) throws ConfigException {
        Optional<String> v = c.optString("start_from");
        if (v.isEmpty() || v.get().trim().equals("now")) {
            return null;
        }
        String text = v.get().trim();
        if (text.equals("all")) {
            return java.time.Instant.EPOCH;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigException("start_from", "must be now, all or an ISO-8601 time such as 2026-11-01T00:00:00Z, not '"
                    + text + "'");
        }
    }

    private UUID idNamespace(ConfigNode c) throws ConfigException {
        boolean inline = c.has("id_namespace");
        boolean file = c.has("id_namespace_file");
        if (inline && file) {
            throw new ConfigException("id_namespace", "give either id_namespace or id_namespace_file, not both");
        }
        if (!inline && !file) {
            throw new ConfigException("id_namespace", "is required: a secret UUID of this deployment (make one with `uuidgen -r`),"
                    + " or id_namespace_file naming a file that holds it");
        }
        String key = inline ? "id_namespace" : "id_namespace_file";
        String text;
        if (inline) {
            text = c.string("id_namespace");
        } else {
            Path p = c.optPath("id_namespace_file").orElseThrow();
            try {
                text = Files.readString(p, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new ConfigException(key, "cannot read " + p + ": " + e.getMessage());
            }
        }
        UUID uuid;
        try {
            uuid = UUID.fromString(text.trim());
            if (!uuid.toString().equalsIgnoreCase(text.trim())) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            // Do not echo the value: it is meant to be secret.
            throw new ConfigException(key, "must be a UUID such as 3f2b8c1e-6d1a-4c0e-9b8e-2a7d5f1c9e40");
        }
        if (WELL_KNOWN_NAMESPACES.contains(uuid)) {
            throw new ConfigException(key, "must be a secret of this deployment, not a published UUID namespace");
        }
        return uuid;
    }

    private static RetrySettings retry(ConfigNode c) throws ConfigException {
        Optional<ConfigNode> r = c.optObject("retry");
        if (r.isEmpty()) {
            return new RetrySettings(3, Duration.ofSeconds(30), Duration.ofMinutes(15));
        }
        ConfigNode n = r.get();
        int attempts = n.integer("attempts", 3, 1, 100);
        Duration backoff = n.duration("backoff", Duration.ofSeconds(30), Duration.ofMillis(1));
        Duration max = n.duration("max_backoff", Duration.ofMinutes(15), Duration.ofMillis(1));
        n.requireNoOtherKeys();
        if (max.compareTo(backoff) < 0) {
            throw new ConfigException(n.keyPath("max_backoff"), "must not be shorter than backoff (" + backoff + ")");
        }
        return new RetrySettings(attempts, backoff, max);
    }

    private static MetricsSettings metrics(ConfigNode c) throws ConfigException {
        Optional<ConfigNode> m = c.optObject("metrics");
        if (m.isEmpty()) {
            return new MetricsSettings(true, "127.0.0.1", 9464);
        }
        ConfigNode n = m.get();
        boolean enabled = n.bool("enabled", true);
        String bind = n.string("bind", "127.0.0.1").trim();
        if (bind.isEmpty() || bind.contains(" ") || bind.contains("/")) {
            throw new ConfigException(n.keyPath("bind"), "must be an address or host name, not '" + bind + "'");
        }
        int port = n.integer("port", 9464, 0, 65535);
        n.requireNoOtherKeys();
        return new MetricsSettings(enabled, bind, port);
    }

    private static List<CloudSettings> clouds(ConfigNode c) throws ConfigException {
        if (!c.has("clouds")) {
            throw new ConfigException("clouds", "is required: a list with at least one cloud");
        }
        List<ConfigNode> nodes = c.objects("clouds");
        if (nodes.isEmpty()) {
            throw new ConfigException("clouds", "must list at least one cloud");
        }
        List<CloudSettings> clouds = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode n : nodes) {
            CloudSettings cloud = cloud(n);
            if (!names.add(cloud.name())) {
                throw new ConfigException(n.keyPath("name"), "'" + cloud.name() + "' is used by another cloud already");
            }
            clouds.add(cloud);
        }
        return clouds;
    }

    private static CloudSettings cloud(ConfigNode n) throws ConfigException {
        String name = n.string("name").trim();
        if (!CLOUD_NAME.matcher(name).matches()) {
            throw new ConfigException(n.keyPath("name"), "must be letters, digits, '.', '_' or '-' (it names metrics and directories), not '" + name + "'");
        }
        String cloud = n.string("cloud", name).trim();
        String target = targetFormat(n, "target_format", true);
        OutputSettings output = output(n, "output", target);
        List<Rule> rules = rules(n, target, output);
        OriginalPolicy original = n.choice("original", OriginalPolicy.HIDE, OriginalPolicy.values(), OriginalPolicy::configName);
        String keepSuffix = n.string("keep_suffix", " (original)");
        if (original == OriginalPolicy.KEEP && keepSuffix.isBlank()) {
            throw new ConfigException(n.keyPath("keep_suffix"), "must not be empty with original: keep (two active images would share a name)");
        }
        OnUnsafe onUnsafe = n.choice("on_unsafe", OnUnsafe.TAG, OnUnsafe.values(), OnUnsafe::configName);
        NotificationSettings notifications = notifications(n);
        n.requireNoOtherKeys();
        return new CloudSettings(name, cloud, target, output, rules, original, keepSuffix, onUnsafe, notifications);
    }

    private static String targetFormat(ConfigNode n, String key, boolean required) throws ConfigException {
        Optional<String> value = n.optString(key);
        if (value.isEmpty()) {
            if (required) {
                throw new ConfigException(n.keyPath(key), "is required (one of " + String.join(", ", OutputOptionRules.TARGET_FORMATS) + ")");
            }
            return null;
        }
        String v = value.get().trim().toLowerCase(Locale.ROOT);
        if ("vpc".equals(v)) {
            v = "vhd";
        }
        if (!OutputOptionRules.TARGET_FORMATS.contains(v)) {
            throw new ConfigException(n.keyPath(key), "must be one of " + String.join(", ", OutputOptionRules.TARGET_FORMATS)
                    + ", not '" + value.get() + "'");
        }
        return v;
    }

    private static OutputSettings output(ConfigNode n, String key, String format) throws ConfigException {
        Optional<ConfigNode> o = n.optObject(key);
        if (o.isEmpty()) {
            return OutputSettings.none();
        }
        ConfigNode on = o.get();
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : on.stringMap("options").entrySet()) {
            if (e.getValue().size() != 1) {
                throw new ConfigException(on.keyPath("options." + e.getKey()), "must be a single value");
            }
            options.put(e.getKey(), e.getValue().get(0));
        }
        boolean compress = on.bool("compress", false);
        on.requireNoOtherKeys();
        OutputSettings out = new OutputSettings(options, compress);
        OutputOptionRules.check(on.path(), format, out);
        return out;
    }

    private static List<Rule> rules(ConfigNode n, String cloudTarget, OutputSettings cloudOutput) throws ConfigException {
        List<Rule> rules = new ArrayList<>();
        List<ConfigNode> nodes = n.objects("rules");
        for (int i = 0; i < nodes.size(); i++) {
            ConfigNode r = nodes.get(i);
            RuleMatch match = match(r);
            boolean skip = r.has("skip") && r.bool("skip", false);
            String target = targetFormat(r, "target", false);
            if (skip == (target != null)) {
                throw new ConfigException(r.keyPath(skip ? "target" : "skip"), skip
                        ? "a rule either skips or sets a target, not both"
                        : "a rule needs skip: true or target: FORMAT");
            }
            OutputSettings output = null;
            if (target != null) {
                output = r.has("output") ? output(r, "output", target) : (target.equals(cloudTarget) ? cloudOutput : OutputSettings.none());
            } else if (r.has("output")) {
                throw new ConfigException(r.keyPath("output"), "has no meaning on a rule that skips");
            }
            boolean includeIso = r.bool("include_iso", false);
            if (includeIso && skip) {
                throw new ConfigException(r.keyPath("include_iso"), "has no meaning on a rule that skips");
            }
            String reason = r.optString("reason").orElse(null);
            r.requireNoOtherKeys();
            rules.add(new Rule(i, match, skip, target, output, includeIso, reason));
        }
        return rules;
    }

    private static RuleMatch match(ConfigNode r) throws ConfigException {
        Optional<ConfigNode> m = r.optObject("match");
        if (m.isEmpty()) {
            throw new ConfigException(r.keyPath("match"), "is required (use match: {} to match every image)");
        }
        ConfigNode n = m.get();
        List<String> owners = n.strings("owner");
        List<String> tags = n.strings("tag");
        Pattern name = null;
        boolean glob = n.has("name");
        boolean regex = n.has("name_regex");
        if (glob && regex) {
            throw new ConfigException(n.keyPath("name_regex"), "give either name (a glob) or name_regex, not both");
        }
        if (glob) {
            name = RuleMatch.glob(n.string("name"));
        } else if (regex) {
            String re = n.string("name_regex");
            try {
                name = Pattern.compile(re, Pattern.DOTALL);
            } catch (PatternSyntaxException e) {
                throw new ConfigException(n.keyPath("name_regex"), "is not a valid regular expression: " + e.getDescription());
            }
        }
        List<String> diskFormats = n.strings("disk_format");
        Map<String, List<String>> properties = n.stringMap("properties");
        n.requireNoOtherKeys();
        return new RuleMatch(owners, tags, name, diskFormats, properties);
    }

    private static NotificationSettings notifications(ConfigNode n) throws ConfigException {
        Optional<ConfigNode> o = n.optObject("notifications");
        if (o.isEmpty()) {
            return null;
        }
        ConfigNode c = o.get();
        URI url = c.uri("transport_url", Set.of("rabbit", "amqp", "amqps"));
        if (url.getHost() == null) {
            throw new ConfigException(c.keyPath("transport_url"), "needs a host (rabbit://user:password@host:5672/vhost)");
        }
        String exchange = c.string("exchange", "glance");
        String routingKey = c.string("routing_key", "notifications.info");
        String queue = c.string("queue", "glance-convert");
        if (queue.startsWith("amq.")) {
            throw new ConfigException(c.keyPath("queue"), "names starting with amq. are reserved by RabbitMQ");
        }
        if (queue.equals(routingKey)) {
            throw new ConfigException(c.keyPath("queue"), "must be glance-convert's own queue, not Glance's " + routingKey
                    + " (other consumers read that one)");
        }
        Duration safety = c.duration("safety_poll_interval", Duration.ofMinutes(10), Duration.ofSeconds(1));
        TlsSettings tls = TlsSettings.off();
        Optional<ConfigNode> t = c.optObject("tls");
        if (t.isPresent()) {
            ConfigNode tn = t.get();
            boolean enabled = tn.bool("enabled", true);
            Path cacert = tn.optPath("cacert").orElse(null);
            if (cacert != null && !Files.isReadable(cacert)) {
                throw new ConfigException(tn.keyPath("cacert"), cacert + " is not a readable file");
            }
            boolean verify = tn.bool("verify", true);
            tn.requireNoOtherKeys();
            tls = new TlsSettings(enabled, cacert, verify);
        } else if ("amqps".equalsIgnoreCase(url.getScheme())) {
            tls = new TlsSettings(true, null, true);
        }
        c.requireNoOtherKeys();
        return new NotificationSettings(url, exchange, routingKey, queue, safety, tls);
    }
}
