package org.glanceconvert.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import org.glanceconvert.image.Zeros;

/** Writes that finish: channels may take fewer bytes than offered. */
public final class ChannelWrites {
    private ChannelWrites() {
    }

    /** Writes all remaining bytes of {@code src} to the stream. */
    public static void writeFully(WritableByteChannel out, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            out.write(src);
        }
    }

    /** Writes all remaining bytes of {@code src} at {@code position} of the file. */
    public static void writeFully(FileChannel out, ByteBuffer src, long position) throws IOException {
        long pos = position;
        while (src.hasRemaining()) {
            pos += out.write(src, pos);
        }
    }

    /**
     * Makes the file exactly {@code length} bytes long; a tail it gains reads as zero and stays a
     * hole (FileChannel cannot extend a file without writing: one zero byte costs one block).
     */
    public static void setLength(FileChannel out, long length) throws IOException {
        long size = out.size();
        if (size > length) {
            out.truncate(length);
        } else if (size < length) {
            writeFully(out, ByteBuffer.allocate(1), length - 1);
        }
    }

    /** Writes {@code length} zero bytes to the stream (holes of a format that has none). */
    public static void writeZeros(WritableByteChannel out, long length) throws IOException {
        ByteBuffer zeros = Zeros.block(1);
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(left, zeros.capacity());
            ByteBuffer b = zeros.duplicate().position(0).limit(n);
            writeFully(out, b);
            left -= n;
        }
    }
}
