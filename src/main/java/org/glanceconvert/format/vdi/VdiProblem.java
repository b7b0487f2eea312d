package org.glanceconvert.format.vdi;

import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.inspect.Finding;

/** One failed check, kept so that inspect can report it and open can refuse with it. */
record VdiProblem(Check check, String message) {

    Finding finding() {
        return Finding.of(check, message);
    }

    ImageFormatException exception() {
        return new ImageFormatException(check, message);
    }
}
