package org.glanceconvert.config;

import java.util.Locale;

/** How the daemon's own log lines look (config {@code log_format}). */
public enum LogFormat {
    CONSOLE,
    JSON;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
