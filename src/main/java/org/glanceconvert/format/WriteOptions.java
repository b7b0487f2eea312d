package org.glanceconvert.format;

import java.util.Map;
import java.util.Set;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * How to write an output image: the {@code -o key=value} options, {@code -c}, and how many
 * threads may compress.
 */
public record WriteOptions(Map<String, String> values, boolean compress, int threads) {

    public WriteOptions {
        values = Map.copyOf(values);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }

    public static WriteOptions defaults() {
        return new WriteOptions(Map.of(), false, Runtime.getRuntime().availableProcessors());
    }

    public String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /** Refuses any option outside {@code known}, naming it. */
    public void requireOnly(String format, Set<String> known) throws ImageFormatException {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new ImageFormatException(Check.FORMAT_UNSUPPORTED,
                        "option '" + key + "' is not known for " + format + " output (known: " + new java.util.TreeSet<>(known) + ")");
            }
        }
    }

    /** Refuses {@code -c} for an output format that has no compression. */
    public void refuseCompression(String format) throws ImageFormatException {
        if (compress) {
            throw new ImageFormatException(Check.FORMAT_UNSUPPORTED, format + " output cannot be compressed (-c)");
        }
    }

    /**
     * The value of option {@code key}, which must be one of {@code allowed} (ignoring case; the
     * spelling returned is the allowed one), or {@code fallback} when it is not given.
     */
    public String oneOf(String format, String key, String fallback, String... allowed) throws ImageFormatException {
        String value = values.getOrDefault(key, fallback);
        for (String a : allowed) {
            if (a.equalsIgnoreCase(value)) {
                return a;
            }
        }
        throw new ImageFormatException(Check.FORMAT_UNSUPPORTED, format + " " + key + " '" + value
                + "' is not supported (" + String.join(", ", allowed) + ")");
    }

    /** A size option such as {@code cluster_size=64k}; k, M, G suffixes are powers of 1024. */
    public long size(String key, long fallback) throws ImageFormatException {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Sizes.parse(v);
        } catch (NumberFormatException e) {
            throw new ImageFormatException(Check.FORMAT_UNSUPPORTED, "option " + key + "=" + v + " is not a size");
        }
    }
}
