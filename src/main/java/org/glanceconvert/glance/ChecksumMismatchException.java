package org.glanceconvert.glance;

import java.io.IOException;

/** The bytes Glance served do not have the checksum or os_hash_value Glance recorded for them. */
public final class ChecksumMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    public ChecksumMismatchException(String imageId, String algorithm, String expected, String actual) {
        super("image " + imageId + ": " + algorithm + " of the downloaded data is " + actual + ", Glance recorded " + expected);
    }
}
