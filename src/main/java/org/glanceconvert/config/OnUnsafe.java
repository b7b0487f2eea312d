package org.glanceconvert.config;

import java.util.Locale;

/** What happens to an image found unsafe (config {@code on_unsafe}). Never delete: it is evidence. */
public enum OnUnsafe {
    TAG,
    DEACTIVATE;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
