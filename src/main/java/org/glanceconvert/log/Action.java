package org.glanceconvert.log;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What glance-convert did (or, in a dry run, would do) with an image; shared by the log, metrics and audit. */
public enum Action {
    OK, RELABEL, CONVERT, REJECT, SKIP, FAIL;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Action parse(String text) {
        for (Action a : values()) {
            if (a.id().equals(text.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown action '" + text + "' (ok, relabel, convert, reject, skip, fail)");
    }
}
