package org.glanceconvert.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins writes that follow each other in the file into one gathering write (writev), so a run of
 * clusters taken from different places of a chunk costs one system call and no copy. Holds on to
 * the buffers it is given until {@link #flush}: callers flush before they reuse them.
 */
public final class WriteBatch {
    private final FileChannel out;
    private final List<ByteBuffer> pending = new ArrayList<>();
    private long start = -1;
    private long end = -1;

    public WriteBatch(FileChannel out) {
        this.out = out;
    }

    /** Writes {@code src}'s remaining bytes at {@code position}, now or at the next flush. */
    public void add(long position, ByteBuffer src) throws IOException {
        if (position != end) {
            flush();
            start = position;
            end = position;
        }
        pending.add(src);
        end += src.remaining();
    }

    public void flush() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        ByteBuffer[] buffers = pending.toArray(ByteBuffer[]::new);
        long left = end - start;
        out.position(start);
        while (left > 0) {
            left -= out.write(buffers);
        }
        pending.clear();
        start = -1;
        end = -1;
    }
}
