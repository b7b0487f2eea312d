package org.glanceconvert.daemon;

import java.io.IOException;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.JsonPatch;

/** PATCHes one copy; see {@link Heartbeats.Beat} for why its PATCHes must not overlap. */
@FunctionalInterface
interface CopyPatcher {
    GlanceImage patch(JsonPatch patch) throws IOException;
}
