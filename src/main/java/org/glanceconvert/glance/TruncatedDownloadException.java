package org.glanceconvert.glance;

import java.io.IOException;

/** The download ended before (or ran past) the image's recorded size. */
public final class TruncatedDownloadException extends IOException {
    private static final long serialVersionUID = 1L;

    public TruncatedDownloadException(String message) {
        super(message);
    }
}
