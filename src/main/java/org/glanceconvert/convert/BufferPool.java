package org.glanceconvert.convert;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of one size, reused. Direct, because the data path hands them straight to
 * positional file reads and writes (a heap buffer would be copied through a temporary direct
 * one each time). Page-aligned, because the kernel copies between them and the page cache:
 * a buffer at malloc's usual 16-byte offset made every page copy straddle two pages and doubled
 * the system time of a conversion (measured with pread/pwrite of 2 MiB blocks on ext4). Bounded
 * by its users: the pipeline never has more than its in-flight limit out at once. Thread-safe.
 */
public final class BufferPool {
    private static final int PAGE = 4096;
    private final int capacity;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

    public BufferPool(int capacity) {
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }

    public synchronized ByteBuffer acquire() {
        ByteBuffer b = free.poll();
        return b != null ? b.clear() : allocate(capacity);
    }

    /** A new direct buffer of exactly {@code capacity} bytes that starts on a page boundary. */
    static ByteBuffer allocate(int capacity) {
        return ByteBuffer.allocateDirect(capacity + PAGE - 1).alignedSlice(PAGE).limit(capacity).slice();
    }

    public synchronized void release(ByteBuffer buffer) {
        if (buffer != null && buffer.capacity() == capacity) {
            free.push(buffer);
        }
    }
}
