package org.glanceconvert.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import org.glanceconvert.image.ForwardingDisk;
import org.glanceconvert.image.VirtualDisk;

/** A disk that counts the bytes read from it (from any thread). Closing it leaves the disk open. */
final class CountingDisk extends ForwardingDisk {
    private final LongAdder read = new LongAdder();

    CountingDisk(VirtualDisk disk) {
        super(disk);
    }

    long bytesRead() {
        return read.sum();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        int n = dst.remaining();
        disk.read(offset, dst);
        read.add(n - dst.remaining());
    }

    @Override
    public void close() {
        // the caller owns the disk
    }
}
