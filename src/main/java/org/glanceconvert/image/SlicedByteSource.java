package org.glanceconvert.image;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A window of another source: a partition of a raw disk, probed for a nested image. */
public final class SlicedByteSource implements ByteSource {
    private final ByteSource whole;
    private final long offset;
    private final long length;

    public SlicedByteSource(ByteSource whole, long offset, long length) throws IOException {
        long end = Math.min(whole.size(), offset + length);
        this.whole = whole;
        this.offset = offset;
        this.length = Math.max(0, end - offset);
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        if (position >= length) {
            return -1;
        }
        long left = length - position;
        if (dst.remaining() <= left) {
            return whole.read(offset + position, dst);
        }
        ByteBuffer limited = dst.slice(dst.position(), (int) left);
        int n = whole.read(offset + position, limited);
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    @Override
    public String name() {
        return whole.name() + "@" + offset;
    }

    /** Closing a slice leaves the whole source open. */
    @Override
    public void close() {
    }
}
