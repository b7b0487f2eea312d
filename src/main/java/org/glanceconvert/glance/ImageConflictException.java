package org.glanceconvert.glance;

/**
 * 409 on image creation: an image with that id exists, or existed (Glance never reuses the id of
 * a deleted image). For a caller-chosen id this is the claim protocol's "someone was first".
 */
public final class ImageConflictException extends GlanceException {
    private static final long serialVersionUID = 1L;
    private final String imageId;

    public ImageConflictException(String imageId, String method, String path, String serviceMessage) {
        super(409, method, path, serviceMessage);
        this.imageId = imageId;
    }

    /** The id that was asked for, or null when Glance chose the id. */
    public String imageId() {
        return imageId;
    }
}
