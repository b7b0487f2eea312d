package org.glanceconvert.format.output;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs encoding tasks (compressing a grain or a cluster) on a small pool and hands the results to
 * a sink strictly in submission order, with at most {@code window} tasks in flight so memory stays
 * bounded. With one thread the tasks run inline on the caller.
 *
 * @param <R> what one task produces
 */
public final class OrderedParallelEncoder<R> implements AutoCloseable {

    /** Receives results in submission order, on the submitting thread. */
    @FunctionalInterface
    public interface Sink<R> {
        void accept(R result) throws IOException;
    }

    private final Sink<R> sink;
    private final ExecutorService pool;
    private final int window;
    private final ArrayDeque<Future<R>> inFlight = new ArrayDeque<>();

    public OrderedParallelEncoder(String name, int threads, Sink<R> sink) {
        this.sink = sink;
        this.window = Math.max(1, threads) * 4;
        if (threads <= 1) {
            this.pool = null;
        } else {
            AtomicInteger count = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, name + "-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** Queues a task; may first wait for the oldest ones and hand their results to the sink. */
    public void submit(Callable<R> task) throws IOException {
        if (pool == null) {
            sink.accept(call(task));
            return;
        }
        while (inFlight.size() >= window) {
            sink.accept(await(inFlight.removeFirst()));
        }
        inFlight.addLast(pool.submit(task));
    }

    /** Waits for every queued task and hands all results to the sink. */
    public void finish() throws IOException {
        while (!inFlight.isEmpty()) {
            sink.accept(await(inFlight.removeFirst()));
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            for (Future<R> f : inFlight) {
                f.cancel(true);
            }
            inFlight.clear();
            pool.shutdownNow();
        }
    }

    private static <R> R call(Callable<R> task) throws IOException {
        try {
            return task.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static <R> R await(Future<R> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while encoding");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException uio) {
                throw uio.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }
}
