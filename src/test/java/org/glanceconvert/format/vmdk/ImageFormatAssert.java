package org.glanceconvert.format.vmdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.junit.jupiter.api.function.Executable;

final class ImageFormatAssert {
    private ImageFormatAssert() {
    }

    /** Asserts that {@code action} refuses with {@code check}; returns the message. */
    static String refused(Check check, Executable action) {
        ImageFormatException e = assertThrows(ImageFormatException.class, action);
        assertEquals(check, e.check(), e.getMessage());
        return e.getMessage();
    }
}
