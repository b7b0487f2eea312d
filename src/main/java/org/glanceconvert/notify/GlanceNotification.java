package org.glanceconvert.notify;

import java.util.Set;

/**
 * The part of one Glance notification the daemon acts on.
 *
 * @param eventType e.g. {@code image.activate}
 * @param imageId   {@code payload.id}, or null when the payload has none (task events)
 */
public record GlanceNotification(String eventType, String imageId) {

    /**
     * The events after which an image may have become active with data: {@code image.upload}
     * (sent with status active) and {@code image.activate}; import sends both too.
     */
    static final Set<String> TRIGGERS = Set.of("image.activate", "image.upload");

    /** True when the image named here should be looked at now. */
    public boolean triggersProcessing() {
        return imageId != null && TRIGGERS.contains(eventType);
    }
}
