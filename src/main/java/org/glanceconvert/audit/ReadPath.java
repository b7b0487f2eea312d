package org.glanceconvert.audit;

import java.util.Locale;

/** How an image's bytes were read for the audit. */
public enum ReadPath {
    /** HTTP range requests: only the bytes the inspector needed (Glance answered 206). */
    RANGE,
    /** Glance answered a range request with 200: the image was streamed whole (verified) and staged. */
    STREAM,
    /** Not read: the image has no readable disk data (not active, empty, encrypted) or reading failed first. */
    NONE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
