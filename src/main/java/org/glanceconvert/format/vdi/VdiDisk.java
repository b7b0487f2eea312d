package org.glanceconvert.format.vdi;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.image.Zeros;

/**
 * A VDI image as a virtual disk. The block map was read and checked when the disk was opened and
 * never changes, so concurrent reads need no locking.
 */
final class VdiDisk implements VirtualDisk {
    private final ByteSource source;
    private final VdiBlockMap map;
    private final long size;
    private final long blockSize;
    private final long dataOffset;

    VdiDisk(ByteSource source, VdiHeader header, VdiBlockMap map) {
        this.source = source;
        this.map = map;
        this.size = header.diskSize();
        this.blockSize = header.blockSize;
        this.dataOffset = header.dataOffset;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int clusterSize() {
        return (int) blockSize;
    }

    @Override
    public ExtentCursor extents(long offset) {
        if (offset < 0 || offset > size) {
            throw new IllegalArgumentException("offset " + offset + " outside the disk of " + size + " bytes");
        }
        return new ExtentCursor() {
            private long pos = offset;

            @Override
            public Extent next() {
                if (pos >= size) {
                    return null;
                }
                long block = pos / blockSize;
                long within = pos % blockSize;
                long length = Math.min(blockSize - within, size - pos);
                int entry = map.entry(block);
                Extent e;
                if (entry == VdiHeader.ENTRY_FREE) {
                    e = Extent.unallocated(pos, length);
                } else if (entry == VdiHeader.ENTRY_ZERO) {
                    e = Extent.zero(pos, length);
                } else {
                    e = Extent.data(pos, length, hostOffset(entry, within));
                }
                pos += length;
                return e;
            }
        };
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        if (offset < 0 || offset > size - dst.remaining()) {
            throw new IOException("read past the end of the virtual disk: " + offset + "+" + dst.remaining());
        }
        long pos = offset;
        while (dst.hasRemaining()) {
            long block = pos / blockSize;
            long within = pos % blockSize;
            int n = (int) Math.min(dst.remaining(), blockSize - within);
            int entry = map.entry(block);
            if (entry == VdiHeader.ENTRY_FREE || entry == VdiHeader.ENTRY_ZERO) {
                Zeros.fill(dst, n);
            } else {
                ByteBuffer part = dst.slice(dst.position(), n);
                source.readFully(hostOffset(entry, within), part);
                dst.position(dst.position() + n);
            }
            pos += n;
        }
    }

    private long hostOffset(int entry, long within) {
        return dataOffset + Integer.toUnsignedLong(entry) * blockSize + within;
    }

    @Override
    public void close() {
        // The source belongs to whoever opened it (VirtualDisk contract).
    }
}
