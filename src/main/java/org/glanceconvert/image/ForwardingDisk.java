package org.glanceconvert.image;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A disk that passes every call to another one; subclasses change what they need (count reads, own a file). */
public abstract class ForwardingDisk implements VirtualDisk {
    protected final VirtualDisk disk;

    protected ForwardingDisk(VirtualDisk disk) {
        this.disk = disk;
    }

    @Override
    public long size() {
        return disk.size();
    }

    @Override
    public ExtentCursor extents(long offset) throws IOException {
        return disk.extents(offset);
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        disk.read(offset, dst);
    }

    @Override
    public int clusterSize() {
        return disk.clusterSize();
    }

    @Override
    public void close() throws IOException {
        disk.close();
    }
}
