package org.glanceconvert.glance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Image data to upload: streamed in chunks, never held in memory. A body that can be opened
 * again (a file) may be retried after a transient failure or a 401; a one-shot stream cannot,
 * and its upload fails instead (the caller starts over from its source).
 */
public final class UploadBody {
    /** Opens the data from its start. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    private final Opener opener;
    private final long length;
    private final boolean repeatable;
    private boolean opened;

    private UploadBody(Opener opener, long length, boolean repeatable) {
        this.opener = opener;
        this.length = length;
        this.repeatable = repeatable;
    }

    public static UploadBody ofFile(Path file) throws IOException {
        long size = Files.size(file);
        return new UploadBody(() -> Files.newInputStream(file), size, true);
    }

    /** Data that can be produced again from the start, e.g. a conversion writing into a pipe. */
    public static UploadBody repeatable(Opener opener, long length) {
        return new UploadBody(opener, length, true);
    }

    /** A stream readable once; {@code length} -1 when unknown (sent chunked). */
    public static UploadBody ofStream(InputStream in, long length) {
        return new UploadBody(() -> in, length, false);
    }

    public static UploadBody ofChannel(ReadableByteChannel ch, long length) {
        return ofStream(Channels.newInputStream(ch), length);
    }

    /** Bytes, or -1 when unknown. */
    public long length() {
        return length;
    }

    public boolean isRepeatable() {
        return repeatable;
    }

    synchronized InputStream open() throws IOException {
        if (opened && !repeatable) {
            throw new IOException("upload data is a one-shot stream and was already consumed");
        }
        opened = true;
        return opener.open();
    }

    synchronized boolean canSend() {
        return repeatable || !opened;
    }
}
