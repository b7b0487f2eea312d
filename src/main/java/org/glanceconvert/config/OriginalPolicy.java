package org.glanceconvert.config;

import java.util.Locale;

/** What happens to the source image once its converted copy is verified (config {@code original}). */
public enum OriginalPolicy {
    /** Tag it and rename it with {@code keep_suffix}, so two active images never share a name. */
    KEEP,
    /** {@code os_hidden=true}: still usable by id, gone from default listings. The default. */
    HIDE,
    DEACTIVATE,
    DELETE;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
