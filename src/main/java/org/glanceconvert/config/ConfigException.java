package org.glanceconvert.config;

/**
 * A configuration that cannot be used, naming the offending key as a path such as
 * {@code clouds[1].rules[0].target}, so an operator can find it without reading code.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ConfigException(String key, String problem) {
        super(key.isEmpty() ? problem : key + ": " + problem);
        this.key = key;
    }

    public ConfigException(String key, String problem, Throwable cause) {
        super(key.isEmpty() ? problem : key + ": " + problem, cause);
        this.key = key;
    }

    /** The key path the problem is about ({@code ""} for the document as a whole). */
    public String key() {
        return key;
    }
}
