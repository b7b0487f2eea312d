package org.glanceconvert.format.raw;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.VirtualDisk;

/**
 * A raw image as a virtual disk. Its extents come from the file's holes (SEEK_DATA/SEEK_HOLE):
 * holes read as zero (as qemu-img map reports them), the rest is data. Where the platform reports no holes, everything is
 * data and writers find zeros by looking.
 */
public final class RawDisk implements VirtualDisk {
    private final ByteSource source;
    private final long size;

    public RawDisk(ByteSource source) throws IOException {
        this.source = source;
        this.size = source.size();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public ExtentCursor extents(long offset) {
        return new ExtentCursor() {
            private long pos = offset;

            @Override
            public Extent next() throws IOException {
                if (pos >= size) {
                    return null;
                }
                long data = source.nextData(pos);
                Extent e;
                if (data > pos) {
                    e = new Extent(pos, Math.min(data, size) - pos, Extent.Kind.ZERO, pos);
                } else {
                    long hole = Math.max(source.nextHole(pos), pos + 1);
                    e = Extent.data(pos, Math.min(hole, size) - pos, pos);
                }
                pos = e.end();
                return e;
            }
        };
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        if (offset < 0 || offset + dst.remaining() > size) {
            throw new IOException("read past the end of the virtual disk: " + offset + "+" + dst.remaining());
        }
        source.readFully(offset, dst);
    }

    @Override
    public void close() {
        // The source belongs to the caller.
    }
}
