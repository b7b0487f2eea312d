package org.glanceconvert.image;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Reusable objects that hold native memory (inflaters, deflaters, decoders with their buffers),
 * shared by the threads that read one disk. Creating a zlib stream per cluster costs an
 * allocation and an init per 64 KiB; reusing them costs nothing, and keeping at most
 * {@code maxIdle} idle ones (each closed when it is not kept) bounds the native memory a disk can
 * hold to that many plus the ones in use, i.e. one per reading thread. Thread-safe.
 *
 * @param <T> the pooled object; closing it frees what it holds
 */
public final class BoundedPool<T extends AutoCloseable> implements AutoCloseable {
    private final Supplier<? extends T> factory;
    private final int maxIdle;
    private final ArrayDeque<T> idle = new ArrayDeque<>();
    private boolean closed;

    public BoundedPool(Supplier<? extends T> factory, int maxIdle) {
        this.factory = factory;
        this.maxIdle = maxIdle;
    }

    /** An idle object, or a new one. Hand it back with {@link #release} (also after a failure). */
    public T acquire() {
        synchronized (this) {
            T t = idle.poll();
            if (t != null) {
                return t;
            }
        }
        return factory.get();
    }

    /** Takes {@code t} back for reuse, or closes it when enough are idle or the pool is closed. */
    public void release(T t) {
        synchronized (this) {
            if (!closed && idle.size() < maxIdle) {
                idle.push(t);
                return;
            }
        }
        closeQuietly(t);
    }

    /** Closes the idle objects; objects released later are closed as they come back. */
    @Override
    public void close() {
        ArrayDeque<T> drained;
        synchronized (this) {
            closed = true;
            drained = new ArrayDeque<>(idle);
            idle.clear();
        }
        drained.forEach(BoundedPool::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // freeing native memory does not fail in a way a caller could act on
        }
    }
}
