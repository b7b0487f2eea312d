package org.glanceconvert.log;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code --since}: ISO-8601 ({@code 2026-11-28T10:00:00Z}) or relative ({@code 30m}, {@code 2h}, {@code 7d}). */
public final class TimeSpec {
    private static final Pattern RELATIVE = Pattern.compile("(\\d+)([smhdw])");

    private TimeSpec() {
    }

    public static Instant parse(String text, Clock clock) {
        Matcher m = RELATIVE.matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return clock.instant().minus(d);
        }
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text.trim());
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("'" + text + "' is neither ISO-8601 (2026-11-28T10:00:00Z) "
                        + "nor relative (30m, 2h, 7d)");
            }
        }
    }
}
