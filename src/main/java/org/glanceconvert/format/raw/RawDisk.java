package org.glanceconvert.format.raw;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.VirtualDisk;

/**
 * A raw image as a virtual disk (also the data area of a fixed VHD). Its extents come from the
 * file's holes (SEEK_DATA/SEEK_HOLE): holes read as zero (as QEMU's map reports them), the rest
 * is data. Where the platform reports no holes, everything is data and writers find zeros by
 * looking.
 */
public final class RawDisk implements VirtualDisk {
    private final ByteSource source;
    private final long size;

    /** The whole source as a disk. */
    public RawDisk(ByteSource source) throws IOException {
        this(source, source.size());
    }

    /** The first {@code size} bytes of the source as a disk. */
    public RawDisk(ByteSource source, long size) {
        this.source = source;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public ExtentCursor extents(long offset) {
        return ExtentCursor.walking(offset, size, pos -> {
            long data = source.nextData(pos);
            if (data > pos) {
                return new Extent(pos, Math.min(data, size) - pos, Extent.Kind.ZERO, pos);
            }
            long hole = Math.max(source.nextHole(pos), pos + 1);
            return Extent.data(pos, Math.min(hole, size) - pos, pos);
        });
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        VirtualDisk.checkInside(offset, dst.remaining(), size);
        source.readFully(offset, dst);
    }

    @Override
    public void close() {
        // The source belongs to the caller.
    }
}
