package org.glanceconvert.daemon;

import org.glanceconvert.glance.ImageTooLargeException;
import org.glanceconvert.image.ImageFormatException;

/** One-line reasons for failures, as recorded on images and in the conversion log. */
final class Failures {
    private Failures() {
    }

    static String describe(Throwable e) {
        Throwable t = root(e);
        if (t instanceof ImageTooLargeException big) {
            return "Glance refused the upload (HTTP 413): the image exceeds image_size_cap or the owner's storage quota"
                    + (big.serviceMessage().isEmpty() ? "" : ": " + big.serviceMessage());
        }
        if (t instanceof ImageFormatException f) {
            return f.getMessage() + " [" + f.check().id() + "]";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** The most telling exception: the conversion's own failure behind an upload that broke because of it. */
    static Throwable root(Throwable e) {
        Throwable t = e;
        for (int i = 0; i < 10 && t != null; i++) {
            if (t instanceof ImageTooLargeException || t instanceof ImageFormatException) {
                return t;
            }
            if (t instanceof BoundedPipe.WriterFailedException && t.getCause() != null) {
                return root(t.getCause());
            }
            t = t.getCause();
        }
        return e;
    }
}
