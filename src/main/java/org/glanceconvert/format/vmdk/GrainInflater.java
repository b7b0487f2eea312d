package org.glanceconvert.format.vmdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.Inflater;
import org.glanceconvert.image.ByteSource;

/**
 * What inflating compressed grains needs, kept from grain to grain by one thread at a time: a zlib
 * inflater (reset for each grain, ended on {@link #close}) and a window of file bytes. A stream's
 * grains lie one after another in the file, a few KiB each, so one read of {@link #WINDOW} bytes
 * serves the markers and data of the next several grains: one system call for about ten grains,
 * and no byte copied twice (reading a whole grain's worth per grain copied three times what was
 * stored). {@link VmdkDisk} pools them, about one per reading thread.
 */
final class GrainInflater implements AutoCloseable {
    static final int WINDOW = 256 << 10;

    private final Inflater inflater = new Inflater();
    private byte[] window = new byte[0];
    private long windowStart = -1;
    private int windowLength;

    Inflater inflater() {
        return inflater;
    }

    /**
     * Makes the window hold file bytes {@code [start, start + length)} (fewer when the file ends
     * first: the caller checks lengths against the file size) and returns where {@code start} is
     * in {@link #window()}.
     */
    int load(ByteSource source, long fileSize, long start, int length) throws IOException {
        if (windowStart < 0 || start < windowStart || start + length > windowStart + windowLength) {
            int n = (int) Math.min(fileSize - start, Math.max(WINDOW, length));
            if (window.length < n) {
                window = new byte[Math.max(WINDOW, n)];
            }
            windowStart = -1; // stays invalid if the read fails
            source.readFully(start, ByteBuffer.wrap(window, 0, n));
            windowStart = start;
            windowLength = n;
        }
        return (int) (start - windowStart);
    }

    byte[] window() {
        return window;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
