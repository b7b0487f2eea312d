package org.glanceconvert;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts about this build. */
public final class GlanceConvert {
    private static final String VERSION = loadVersion();

    private GlanceConvert() {
    }

    /** The project version, recorded in provenance properties of every image it creates. */
    public static String version() {
        return VERSION;
    }

    private static String loadVersion() {
        try (InputStream in = GlanceConvert.class.getResourceAsStream("/glance-convert-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
