package org.glanceconvert.daemon;

import org.glanceconvert.glance.UploadBody;

/**
 * Upload data that can be opened again (a file, a fresh download) and is counted and hashed as
 * it goes; after the upload, {@link #bytes()} and {@link #hash()} describe the try that succeeded.
 */
final class MeasuredUpload {
    private final UploadBody.Opener opener;
    private final long length;
    private final String hashAlgo;
    private MeasuredStream last;

    MeasuredUpload(UploadBody.Opener opener, long length, String hashAlgo) {
        this.opener = opener;
        this.length = length;
        this.hashAlgo = hashAlgo;
    }

    UploadBody body() {
        return UploadBody.repeatable(this::open, length);
    }

    private synchronized MeasuredStream open() throws java.io.IOException {
        last = new MeasuredStream(opener.open(), hashAlgo);
        return last;
    }

    synchronized long bytes() {
        return last == null ? 0 : last.count();
    }

    synchronized String hash() {
        return last.hex();
    }
}
