package org.glanceconvert.config;

import java.nio.file.Path;

/** TLS towards the message bus: on or off, a CA bundle to trust, and whether to verify at all. */
public record TlsSettings(boolean enabled, Path cacert, boolean verify) {

    public static TlsSettings off() {
        return new TlsSettings(false, null, true);
    }
}
