package org.glanceconvert.daemon;

import java.util.Locale;
import java.util.Optional;

/**
 * Values of {@code glance_convert_state}. On an original: {@code ok}, {@code rejected},
 * {@code skipped}, {@code failed} (retried), {@code pending} (a retry is under way), {@code done}. On a copy, its progress:
 * {@code claimed} (created, the claim) → {@code converting} (data going up) → {@code verified}
 * (checked against the source; finishing) → {@code done}.
 */
public enum ImageState {
    PENDING, CLAIMED, CONVERTING, VERIFIED, DONE, OK, REJECTED, SKIPPED, FAILED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ImageState> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (ImageState s : values()) {
            if (s.value().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
