package org.glanceconvert.inspect;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * One failed check (a problem, which makes an image unsafe) or one non-fatal finding (a warning).
 * Serialised as {@code {"check":"qcow2.backing_file","message":"..."}}.
 */
public record Finding(@JsonProperty("check") String check, @JsonProperty("message") String message) {

    public static Finding of(Check check, String message) {
        return new Finding(check.id(), message);
    }

    public static Finding of(ImageFormatException e) {
        return new Finding(e.check().id(), e.getMessage());
    }
}
