package org.glanceconvert.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Positional writes into one output file from many workers, one write at a time. The file
 * system runs one buffered write to a file at a time anyway (ext4 and XFS hold the inode's lock
 * for each), and a worker that waits for that lock in the kernel spins on its core while the
 * owner copies, for as long as the owner waits for the memory it copies into: 13 to 23 % of
 * the CPU samples of a 2 GiB conversion (perf), and a third of all the CPU of an 8 GiB one,
 * where the page cache is full and the owner waits for reclaim that needs that very core.
 * A worker waiting here sleeps instead: 8 GiB raw to qcow2 took 14.3 s of CPU instead of 21.8,
 * qcow2 to raw 8.8 instead of 12.0, in the same or less wall time (bench/RESULTS.md).
 */
public final class SerialFileWrites {
    private final FileChannel out;
    private final ReentrantLock lock = new ReentrantLock();

    public SerialFileWrites(FileChannel out) {
        this.out = out;
    }

    /** Writes all remaining bytes of {@code src} at {@code position}. */
    public void write(ByteBuffer src, long position) throws IOException {
        lock.lock();
        try {
            ChannelWrites.writeFully(out, src, position);
        } finally {
            lock.unlock();
        }
    }
}
