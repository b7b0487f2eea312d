package org.glanceconvert.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** Counts what goes down a stream. Closing it leaves the underlying channel open. */
final class CountingChannel implements WritableByteChannel {
    private final WritableByteChannel out;
    private long written;

    CountingChannel(WritableByteChannel out) {
        this.out = out;
    }

    long written() {
        return written;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = out.write(src);
        written += n;
        return n;
    }

    @Override
    public boolean isOpen() {
        return out.isOpen();
    }

    @Override
    public void close() {
        // the caller owns the stream
    }
}
