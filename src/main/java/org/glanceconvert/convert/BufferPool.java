package org.glanceconvert.convert;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of one size, reused. Direct, because the data path hands them straight to
 * positional file reads and writes (a heap buffer would be copied through a temporary direct
 * one each time). Bounded by its users: the pipeline never has more than its in-flight limit
 * out at once. Thread-safe.
 */
public final class BufferPool {
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
        return b != null ? b.clear() : ByteBuffer.allocateDirect(capacity);
    }

    public synchronized void release(ByteBuffer buffer) {
        if (buffer != null && buffer.capacity() == capacity) {
            free.push(buffer);
        }
    }
}
