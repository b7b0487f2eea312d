package org.glanceconvert.convert;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Encodes inputs on a bounded pool of worker threads and hands the results to a sink strictly
 * in submission order, on the submitting thread. Used for compressing qcow2 clusters and vmdk
 * grains: the work is parallel, the output file is still written in order by one thread.
 *
 * <p>At most {@code maxInFlight} inputs are submitted but not yet delivered: {@link #submit}
 * blocks (delivering finished results) once that many are pending, so memory stays bounded
 * whatever the image size. Each worker owns one encoder (deflaters and zstd contexts are not
 * thread-safe); encoders that are {@link AutoCloseable} are closed with the pool.
 *
 * <p>Not thread-safe: one thread submits, finishes and closes.
 *
 * @param <T> an input, e.g. a chunk of bytes
 * @param <R> what encoding it produces, e.g. compressed bytes
 */
public final class OrderedParallelEncoder<T, R> implements AutoCloseable {

    /** Turns one input into its result; runs on a worker thread. */
    @FunctionalInterface
    public interface Encoder<T, R> {
        R encode(T input) throws IOException;
    }

    /** Receives each input with its result, in submission order, on the submitting thread. */
    @FunctionalInterface
    public interface Sink<T, R> {
        void accept(T input, R result) throws IOException;
    }

    private final class Job {
        final T input;
        R result;
        Throwable failure;
        boolean done;

        Job(T input) {
            this.input = input;
        }
    }

    private final Object completion = new Object();
    private final ArrayDeque<Job> pending = new ArrayDeque<>();
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private final int maxInFlight;
    private final Sink<? super T, ? super R> sink;
    private final Job stop = new Job(null);
    private IOException failed;
    private boolean closed;

    /**
     * @param name        thread name prefix, for thread dumps
     * @param threads     worker threads (at least 1)
     * @param maxInFlight inputs submitted but not yet delivered (at least 1)
     * @param encoders    makes one encoder per worker, on this thread (so its failure is seen here)
     * @param sink        receives the results in order
     */
    public OrderedParallelEncoder(String name, int threads, int maxInFlight,
                                  Supplier<? extends Encoder<? super T, ? extends R>> encoders,
                                  Sink<? super T, ? super R> sink) {
        if (threads < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("threads and maxInFlight must be at least 1");
        }
        this.maxInFlight = maxInFlight;
        this.sink = sink;
        try {
            for (int i = 0; i < threads; i++) {
                Encoder<? super T, ? extends R> encoder = encoders.get();
                Thread t = new Thread(() -> work(encoder), name + "-" + i);
                t.setDaemon(true);
                workers.add(t);
                t.start();
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Inputs submitted and not yet delivered to the sink. */
    public int inFlight() {
        return pending.size();
    }

    /**
     * Queues {@code input} for encoding. Blocks while {@code maxInFlight} inputs are pending,
     * delivering results in order meanwhile; also delivers whatever has finished.
     *
     * @throws IOException the first failure of an encoder or of the sink
     */
    public void submit(T input) throws IOException {
        makeRoom();
        Job job = new Job(input);
        pending.add(job);
        queue.add(job);
        deliverFinished();
    }

    /**
     * Queues an input whose result is already known (a hole needs no encoding), keeping its
     * place in the order.
     */
    public void submitDone(T input, R result) throws IOException {
        makeRoom();
        Job job = new Job(input);
        job.result = result;
        job.done = true;
        pending.add(job);
        deliverFinished();
    }

    /** Waits for every pending input and delivers the results. */
    public void finish() throws IOException {
        ensureUsable();
        while (!pending.isEmpty()) {
            deliverHead();
        }
    }

    /** Stops the workers; pending inputs that were not delivered are dropped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        for (int i = 0; i < workers.size(); i++) {
            queue.add(stop);
        }
        boolean interrupted = false;
        for (Thread t : workers) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        pending.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void makeRoom() throws IOException {
        ensureUsable();
        while (pending.size() >= maxInFlight) {
            deliverHead();
        }
    }

    private void ensureUsable() throws IOException {
        if (failed != null) {
            throw new IOException("an earlier encoding failed", failed);
        }
        if (closed) {
            throw new IllegalStateException("encoder pool is closed");
        }
    }

    private void deliverFinished() throws IOException {
        while (!pending.isEmpty() && isDone(pending.peek())) {
            deliverHead();
        }
    }

    private boolean isDone(Job job) {
        synchronized (completion) {
            return job.done;
        }
    }

    private void deliverHead() throws IOException {
        Job job = pending.peek();
        synchronized (completion) {
            while (!job.done) {
                try {
                    completion.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw fail(new InterruptedIOException("interrupted while waiting for encoding"));
                }
            }
        }
        pending.poll();
        if (job.failure != null) {
            throw fail(asIOException(job.failure));
        }
        try {
            sink.accept(job.input, job.result);
        } catch (IOException | RuntimeException | Error e) {
            failed = e instanceof IOException io ? io : new IOException(e);
            throw e;
        }
    }

    private IOException fail(IOException e) {
        failed = e;
        return e;
    }

    private static IOException asIOException(Throwable t) {
        if (t instanceof IOException io) {
            return io;
        }
        if (t instanceof UncheckedIOException u) {
            return u.getCause();
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        return new IOException(t);
    }

    private void work(Encoder<? super T, ? extends R> encoder) {
        try {
            while (true) {
                Job job;
                try {
                    job = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (job == stop) {
                    return;
                }
                R result = null;
                Throwable failure = null;
                try {
                    result = encoder.encode(job.input);
                } catch (Throwable t) {
                    failure = t;
                }
                synchronized (completion) {
                    job.result = result;
                    job.failure = failure;
                    job.done = true;
                    completion.notifyAll();
                }
            }
        } finally {
            if (encoder instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // nothing more can be done for an encoder being thrown away
                }
            }
        }
    }
}
