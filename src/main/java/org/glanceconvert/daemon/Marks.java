package org.glanceconvert.daemon;

import java.io.IOException;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.JsonPatch;

/** Decisions recorded on an original ({@code glance_convert_state} and friends). */
final class Marks {
    /** Reasons are sentences for people; long lists of problems are cut. */
    static final int MAX_REASON = 1000;

    private Marks() {
    }

    static String reason(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 3) + "...";
    }

    static void mark(GlanceClient client, String imageId, ImageState state, String reason, String detectedFormat)
            throws IOException {
        client.patch(imageId, patch(state, reason, detectedFormat));
    }

    static JsonPatch patch(ImageState state, String reason, String detectedFormat) {
        JsonPatch p = JsonPatch.create().set(Properties.STATE, state.value());
        if (reason != null) {
            p.set(Properties.REASON, reason(reason));
        }
        if (detectedFormat != null) {
            p.set(Properties.DETECTED_FORMAT, detectedFormat);
        }
        return p;
    }

    static void failed(GlanceClient client, String imageId, int attempt, String reason) throws IOException {
        client.patch(imageId, patch(ImageState.FAILED, reason, null).set(Properties.ATTEMPT, Integer.toString(attempt)));
    }
}
