package org.glanceconvert.format.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Writes an image strictly in order to a channel that may not seek (stdout, an HTTP upload),
 * through one bounded buffer, and knows how many bytes have been written so far.
 */
public final class SequentialOutput {
    private static final byte[] ZEROS = new byte[4096];

    private final WritableByteChannel channel;
    private final ByteBuffer buffer;
    private long position;

    public SequentialOutput(WritableByteChannel channel, int bufferSize) {
        this.channel = channel;
        this.buffer = ByteBuffer.allocate(bufferSize);
    }

    /** Bytes written so far (buffered or not). */
    public long position() {
        return position;
    }

    public void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length >= buffer.capacity()) {
            flush();
            drain(ByteBuffer.wrap(bytes, offset, length));
        } else {
            if (length > buffer.remaining()) {
                flush();
            }
            buffer.put(bytes, offset, length);
        }
        position += length;
    }

    /** Writes {@code count} zero bytes. */
    public void writeZeros(long count) throws IOException {
        long left = count;
        while (left > 0) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int n = (int) Math.min(Math.min(left, buffer.remaining()), ZEROS.length);
            buffer.put(ZEROS, 0, n);
            left -= n;
        }
        position += count;
    }

    /** Writes zeros up to the next multiple of {@code alignment}. */
    public void padTo(long alignment) throws IOException {
        long rest = position % alignment;
        if (rest != 0) {
            writeZeros(alignment - rest);
        }
    }

    /** Hands everything buffered to the channel. */
    public void flush() throws IOException {
        buffer.flip();
        drain(buffer);
        buffer.clear();
    }

    private void drain(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
