package org.glanceconvert.config;

import java.util.Objects;

/**
 * A password, application credential secret or similar. Its {@link #toString()} never shows the
 * value, so it cannot reach a log line or an exception message by accident; only code that sends
 * it to Keystone calls {@link #reveal()}.
 */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "******";
    }
}
