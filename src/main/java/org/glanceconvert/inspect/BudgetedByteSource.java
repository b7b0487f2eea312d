package org.glanceconvert.inspect;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;

/**
 * Wraps the source an inspection reads, and stops it once it has read more bytes or taken
 * longer than the limits allow (CVE-2015-5162: QEMU's image info made to spin on a crafted image).
 */
final class BudgetedByteSource implements ByteSource {
    private final ByteSource source;
    private final long maxBytes;
    private final long deadlineNanos;
    private final long maxMillis;
    private long bytesRead;

    BudgetedByteSource(ByteSource source, Limits limits) {
        this.source = source;
        this.maxBytes = limits.maxInspectReadBytes();
        this.maxMillis = limits.maxInspectMillis();
        this.deadlineNanos = System.nanoTime() + limits.maxInspectMillis() * 1_000_000L;
    }

    @Override
    public long size() throws IOException {
        return source.size();
    }

    @Override
    public synchronized int read(long position, ByteBuffer dst) throws IOException {
        if (bytesRead + dst.remaining() > maxBytes) {
            throw new ImageFormatException(Check.LIMITS_READ_BYTES,
                    "inspection would read more than " + maxBytes + " bytes");
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new ImageFormatException(Check.LIMITS_TIME,
                    "inspection took longer than " + maxMillis + " ms");
        }
        int n = source.read(position, dst);
        if (n > 0) {
            bytesRead += n;
        }
        return n;
    }

    @Override
    public long allocatedSize() throws IOException {
        return source.allocatedSize();
    }

    @Override
    public String name() {
        return source.name();
    }

    /** The inspector does not own the source. */
    @Override
    public void close() {
    }
}
