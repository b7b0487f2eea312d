package org.glanceconvert.format.qcow2;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * Reads from the image that turn "the file ended" into a {@link Check#FORMAT_TRUNCATED} finding:
 * every structure qcow2 reads has been bounds-checked against the file size first, so running
 * out of bytes means the file shrank or lied, and callers only ever see a check id.
 */
final class SourceReads {
    private SourceReads() {
    }

    static byte[] readBytes(ByteSource source, long position, int length, String what) throws IOException {
        byte[] bytes = new byte[length];
        readFully(source, position, ByteBuffer.wrap(bytes), what);
        return bytes;
    }

    static void readFully(ByteSource source, long position, ByteBuffer dst, String what) throws IOException {
        try {
            source.readFully(position, dst);
        } catch (EOFException e) {
            throw new ImageFormatException(Check.FORMAT_TRUNCATED,
                    "the file ends inside the " + what + " at byte " + position + ": " + e.getMessage(), e);
        }
    }

    static long getLong(byte[] b, int at) {
        return ((long) getInt(b, at) << 32) | (getInt(b, at + 4) & 0xFFFF_FFFFL);
    }

    static int getInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    static int getShort(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }
}
