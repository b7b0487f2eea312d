package org.glanceconvert.image;

import java.io.IOException;

/**
 * An image is corrupt, hostile or unsupported. Carries the stable {@link Check} so every command
 * reports the same reason.
 */
public class ImageFormatException extends IOException {
    private final Check check;

    public ImageFormatException(Check check, String message) {
        super(message);
        this.check = check;
    }

    public ImageFormatException(Check check, String message, Throwable cause) {
        super(message, cause);
        this.check = check;
    }

    /** The failed check. */
    public Check check() {
        return check;
    }
}
