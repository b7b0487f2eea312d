package org.glanceconvert.glance;

/** 404 for an image (deleted, never existed, or not visible to this project). */
public final class ImageNotFoundException extends GlanceException {
    private static final long serialVersionUID = 1L;

    public ImageNotFoundException(String method, String path, String serviceMessage) {
        super(404, method, path, serviceMessage);
    }
}
