package org.glanceconvert.config;

import java.util.List;
import java.util.Map;

/**
 * The output options each target format takes in the config, with their allowed values where
 * they are a fixed set (null: any value; the writer checks it). Names follow QEMU's {@code -o}.
 */
final class OutputOptionRules {
    static final List<String> TARGET_FORMATS = List.of("raw", "qcow2", "vmdk", "vhd", "vhdx");

    private static final Map<String, Map<String, List<String>>> OPTIONS = Map.of(
            "raw", Map.of(),
            "qcow2", Map.of(
                    "cluster_size", List.of(),
                    "compression_type", List.of("zlib", "zstd"),
                    "compat", List.of("0.10", "1.1"),
                    "refcount_bits", List.of("1", "2", "4", "8", "16", "32", "64")),
            "vmdk", Map.of(
                    "subformat", List.of("streamOptimized", "monolithicSparse"),
                    "adapter_type", List.of("ide", "buslogic", "lsilogic", "legacyESX"),
                    "hwversion", List.of()),
            "vhd", Map.of(
                    "subformat", List.of("dynamic", "fixed"),
                    "force_size", List.of("on", "off")),
            "vhdx", Map.of(
                    "subformat", List.of("dynamic", "fixed"),
                    "block_size", List.of(),
                    "log_size", List.of()));

    /** Formats whose writer can compress ({@code compress: true}). */
    private static final List<String> COMPRESSIBLE = List.of("qcow2");

    private OutputOptionRules() {
    }

    static void check(String key, String format, OutputSettings output) throws ConfigException {
        Map<String, List<String>> known = OPTIONS.get(format);
        for (Map.Entry<String, String> o : output.options().entrySet()) {
            List<String> allowed = known.get(o.getKey());
            if (allowed == null) {
                throw new ConfigException(key + ".options." + o.getKey(), "is not an option of " + format + " output"
                        + (known.isEmpty() ? " (it takes none)" : " (known: " + String.join(", ", known.keySet().stream().sorted().toList()) + ")"));
            }
            if (!allowed.isEmpty() && !allowed.contains(o.getValue())) {
                throw new ConfigException(key + ".options." + o.getKey(), "must be one of " + String.join(", ", allowed)
                        + ", not '" + o.getValue() + "'");
            }
        }
        if (output.compress() && !COMPRESSIBLE.contains(format)) {
            throw new ConfigException(key + ".compress", format + " output cannot be compressed"
                    + ("vmdk".equals(format) ? " (streamOptimized is compressed by definition)" : ""));
        }
    }
}
