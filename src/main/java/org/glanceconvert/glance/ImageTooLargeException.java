package org.glanceconvert.glance;

/**
 * 413 on upload: the data exceeds Glance's {@code image_size_cap} or the owner's storage quota.
 * Retrying cannot help; the image is recorded as failed with this reason.
 */
public final class ImageTooLargeException extends GlanceException {
    private static final long serialVersionUID = 1L;

    public ImageTooLargeException(String method, String path, String serviceMessage) {
        super(413, method, path, serviceMessage);
    }
}
