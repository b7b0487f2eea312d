package org.glanceconvert.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glanceconvert.format.Sizes;

/**
 * One mapping of a YAML document, read key by key with its path kept for messages. Every key
 * read is remembered, so {@link #requireNoOtherKeys()} can refuse a misspelt key instead of
 * silently ignoring it. Scalars may use {@code ${NAME}} or {@code ${NAME:-default}} to take a
 * value (typically a secret) from the environment.
 */
final class ConfigNode {
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final JsonNode node;
    private final String path;
    private final Map<String, String> env;
    private final Path baseDir;
    private final Set<String> seen = new LinkedHashSet<>();

    private ConfigNode(JsonNode node, String path, Map<String, String> env, Path baseDir) {
        this.node = node;
        this.path = path;
        this.env = env;
        this.baseDir = baseDir;
    }

    /** The document root, which must be a mapping. */
    static ConfigNode root(JsonNode node, Map<String, String> env, Path baseDir) throws ConfigException {
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new ConfigException("", "the document is empty");
        }
        if (!node.isObject()) {
            throw new ConfigException("", "the document must be a mapping of keys, not " + kind(node));
        }
        return new ConfigNode(node, "", env, baseDir);
    }

    /**
     * A mapping inside another file (a clouds.yaml entry): paths start at {@code path}, values
     * are taken literally (clouds.yaml has no environment references).
     */
    static ConfigNode rootAt(JsonNode node, String path, Path baseDir) {
        return new ConfigNode(node, path, null, baseDir);
    }

    String path() {
        return path;
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        seen.add(key);
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    Optional<String> optString(String key) throws ConfigException {
        JsonNode v = value(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isValueNode()) {
            throw new ConfigException(keyPath(key), "must be a single value, not " + kind(v));
        }
        String text = expand(keyPath(key), v.asText());
        return Optional.of(text);
    }

    String string(String key) throws ConfigException {
        String s = optString(key).orElseThrow(() -> new ConfigException(keyPath(key), "is required"));
        if (s.isBlank()) {
            throw new ConfigException(keyPath(key), "must not be empty");
        }
        return s;
    }

    String string(String key, String fallback) throws ConfigException {
        return optString(key).orElse(fallback);
    }

    boolean bool(String key, boolean fallback) throws ConfigException {
        Optional<String> s = optString(key);
        if (s.isEmpty()) {
            return fallback;
        }
        return switch (s.get().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(keyPath(key), "must be true or false, not '" + s.get() + "'");
        };
    }

    int integer(String key, int fallback, int min, int max) throws ConfigException {
        Optional<String> s = optString(key);
        if (s.isEmpty()) {
            return fallback;
        }
        int v;
        try {
            v = Integer.parseInt(s.get().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(keyPath(key), "must be a whole number, not '" + s.get() + "'");
        }
        if (v < min || v > max) {
            throw new ConfigException(keyPath(key), "must be between " + min + " and " + max + ", not " + v);
        }
        return v;
    }

    /** A byte count: {@code 1073741824}, {@code 64k}, {@code 20G}, {@code 2TiB}, {@code 512 MB}. */
    long size(String key, long fallback, long min) throws ConfigException {
        Optional<String> s = optString(key);
        if (s.isEmpty()) {
            return fallback;
        }
        long v;
        try {
            String t = s.get().trim().replace(" ", "");
            if (t.toLowerCase(Locale.ROOT).endsWith("ib")) {
                t = t.substring(0, t.length() - 2);
            }
            v = Sizes.parse(t);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(keyPath(key), "must be a size such as 500M, 20G or 2TiB, not '" + s.get() + "'");
        }
        if (v < min) {
            throw new ConfigException(keyPath(key), "must be at least " + min + " bytes, not " + s.get());
        }
        return v;
    }

    /** A duration: {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 250ms} or ISO-8601 {@code PT30S}. */
    Duration duration(String key, Duration fallback, Duration min) throws ConfigException {
        Optional<String> s = optString(key);
        if (s.isEmpty()) {
            return fallback;
        }
        Duration d = parseDuration(s.get().trim());
        if (d == null) {
            throw new ConfigException(keyPath(key), "must be a duration such as 30s, 5m, 2h or PT30S, not '" + s.get() + "'");
        }
        if (d.compareTo(min) < 0) {
            throw new ConfigException(keyPath(key), "must be at least " + min.toString().substring(2).toLowerCase(Locale.ROOT)
                    + ", not " + s.get());
        }
        return d;
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** One of {@code values}, spelt as {@code name} gives it (case-insensitive). */
    <E extends Enum<E>> E choice(String key, E fallback, E[] values, Function<E, String> name) throws ConfigException {
        Optional<String> s = optString(key);
        if (s.isEmpty()) {
            if (fallback == null) {
                throw new ConfigException(keyPath(key), "is required (one of " + names(values, name) + ")");
            }
            return fallback;
        }
        for (E e : values) {
            if (name.apply(e).equalsIgnoreCase(s.get().trim())) {
                return e;
            }
        }
        throw new ConfigException(keyPath(key), "must be one of " + names(values, name) + ", not '" + s.get() + "'");
    }

    /** A path; a relative one is taken relative to the directory of the config file. */
    Optional<Path> optPath(String key) throws ConfigException {
        Optional<String> s = optString(key);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.get().isBlank()) {
            throw new ConfigException(keyPath(key), "must not be empty");
        }
        try {
            Path p = Path.of(s.get());
            return Optional.of(p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p).normalize());
        } catch (RuntimeException e) {
            throw new ConfigException(keyPath(key), "is not a usable path: " + e.getMessage());
        }
    }

    URI uri(String key, Set<String> schemes) throws ConfigException {
        String s = string(key);
        URI u;
        try {
            u = new URI(s);
        } catch (Exception e) {
            throw new ConfigException(keyPath(key), "is not a URL (" + redactUserInfo(s) + ")");
        }
        if (u.getScheme() == null || !schemes.contains(u.getScheme().toLowerCase(Locale.ROOT))) {
            throw new ConfigException(keyPath(key), "must be a URL with scheme "
                    + String.join(" or ", new java.util.TreeSet<>(schemes)));
        }
        return u;
    }

    Optional<ConfigNode> optObject(String key) throws ConfigException {
        JsonNode v = value(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            throw new ConfigException(keyPath(key), "must be a mapping of keys, not " + kind(v));
        }
        return Optional.of(new ConfigNode(v, keyPath(key), env, baseDir));
    }

    /** A list of mappings; each element's path is {@code key[i]}. */
    List<ConfigNode> objects(String key) throws ConfigException {
        JsonNode v = value(key);
        List<ConfigNode> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw new ConfigException(keyPath(key), "must be a list, not " + kind(v));
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String p = keyPath(key) + "[" + i + "]";
            if (!e.isObject()) {
                throw new ConfigException(p, "must be a mapping of keys, not " + kind(e));
            }
            out.add(new ConfigNode(e, p, env, baseDir));
        }
        return out;
    }

    /** A single value or a list of values, as a list of strings. */
    List<String> strings(String key) throws ConfigException {
        JsonNode v = value(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isValueNode()) {
            out.add(expand(keyPath(key), v.asText()));
            return out;
        }
        if (!v.isArray()) {
            throw new ConfigException(keyPath(key), "must be a value or a list of values, not " + kind(v));
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String p = keyPath(key) + "[" + i + "]";
            if (!e.isValueNode() || e.isNull()) {
                throw new ConfigException(p, "must be a single value, not " + kind(e));
            }
            out.add(expand(p, e.asText()));
        }
        return out;
    }

    /** A mapping of names to single values (or lists of values). */
    Map<String, List<String>> stringMap(String key) throws ConfigException {
        Optional<ConfigNode> obj = optObject(key);
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (obj.isEmpty()) {
            return out;
        }
        for (String k : obj.get().keys()) {
            out.put(k, obj.get().strings(k));
        }
        return out;
    }

    List<String> keys() {
        List<String> keys = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(keys::add);
        return keys;
    }

    /** Refuses keys that no reader asked for, suggesting the nearest known one. */
    void requireNoOtherKeys() throws ConfigException {
        for (String k : keys()) {
            if (!seen.contains(k)) {
                String near = seen.stream()
                        .min(Comparator.comparingInt(s -> distance(s, k)))
                        .filter(s -> distance(s, k) <= Math.max(2, k.length() / 3))
                        .map(s -> " (did you mean " + s + "?)")
                        .orElse("");
                throw new ConfigException(keyPath(k), "unknown key" + near
                        + (seen.isEmpty() ? "" : "; known keys here: " + String.join(", ", seen)));
            }
        }
    }

    private JsonNode value(String key) {
        seen.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    private String expand(String key, String text) throws ConfigException {
        if (env == null) {
            return text;
        }
        Matcher m = ENV_REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null) {
                value = m.group(2);
            }
            if (value == null) {
                throw new ConfigException(key, "refers to environment variable " + m.group(1) + ", which is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String kind(JsonNode v) {
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        return "'" + v.asText() + "'";
    }

    static String redactUserInfo(String url) {
        return url.replaceAll("//[^/@]*@", "//***@");
    }

    private static <E> String names(E[] values, Function<E, String> name) {
        return String.join(", ", Arrays.stream(values).map(name).toList());
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
