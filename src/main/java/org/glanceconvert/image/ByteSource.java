package org.glanceconvert.image;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Random-access bytes of an image file: a local file, an HTTP range reader or a test buffer.
 *
 * <p>Format readers are handed a ByteSource, never a path, so no reader can open a second file:
 * the backing-file and flat-extent CVE class is closed by construction. Implementations must be
 * safe for concurrent positional reads.
 */
public interface ByteSource extends Closeable {

    /** Size in bytes. */
    long size() throws IOException;

    /**
     * Reads up to {@code dst.remaining()} bytes starting at {@code position}.
     *
     * @return bytes read, or -1 when {@code position} is at or past the end
     */
    int read(long position, ByteBuffer dst) throws IOException;

    /** Reads exactly {@code dst.remaining()} bytes or throws {@link EOFException}. */
    default void readFully(long position, ByteBuffer dst) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = read(pos, dst);
            if (n < 0) {
                throw new EOFException("end of image at byte " + pos + " (wanted "
                        + dst.remaining() + " more bytes from " + position + ")");
            }
            pos += n;
        }
    }

    /** Reads exactly {@code length} bytes at {@code position} into a new array. */
    default byte[] readBytes(long position, int length) throws IOException {
        byte[] bytes = new byte[length];
        readFully(position, ByteBuffer.wrap(bytes));
        return bytes;
    }

    /**
     * Bytes the source occupies on its storage (for a sparse file, less than {@link #size()}),
     * or -1 when unknown.
     */
    default long allocatedSize() throws IOException {
        return -1;
    }

    /**
     * The first offset at or after {@code position} that may hold data; {@code size()} if none.
     * The default knows nothing about holes and answers {@code position}.
     */
    default long nextData(long position) throws IOException {
        return position;
    }

    /**
     * The first offset at or after {@code position} that is a hole (reads as zero without being
     * stored); {@code size()} if none. The default knows of no holes.
     */
    default long nextHole(long position) throws IOException {
        return size();
    }

    /** A short human description (file name or URL), for messages. */
    String name();
}
