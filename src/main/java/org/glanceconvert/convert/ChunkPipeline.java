package org.glanceconvert.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.VirtualDisk;

/**
 * The conversion hot path shared by every writer: plans spans from the source's allocation map
 * ({@link SpanPlanner}), skips holes without reading them, reads data in large sequential
 * chunks on a bounded pool of workers (so decompressing readers run in parallel too), marks
 * all-zero granules there, lets the writer's encoder work on each chunk on the same worker (e.g.
 * compress its clusters), and hands chunks and results to the writer's sink strictly in disk
 * order on the calling thread.
 */
public final class ChunkPipeline {

    /** Works on one chunk on a worker thread after it was read and scanned. Not called for holes. */
    @FunctionalInterface
    public interface ChunkEncoder<R> {
        R encode(Chunk chunk) throws IOException;
    }

    /** Receives every chunk, holes included (result null), in disk order, on the calling thread. */
    @FunctionalInterface
    public interface ChunkSink<R> {
        void accept(Chunk chunk, R result) throws IOException;
    }

    /**
     * How to cut and scan the disk.
     *
     * @param granule     the writer's allocation unit (power of two); spans and chunks align to it
     * @param chunkBytes  largest read, a multiple of the granule
     * @param threads     worker threads
     * @param inFlight    chunks read or being encoded but not yet written (bounds memory)
     * @param detectZeros whether to mark all-zero granules (stream writers that must emit every
     *                    byte anyway skip it)
     */
    public record Settings(int granule, int chunkBytes, int threads, int inFlight, boolean detectZeros) {
        /**
         * Reads of 1 MiB (or one granule, when that is larger). Small enough that the chunks in
         * flight stay in the CPU caches between the read on a worker and the write on the sink:
         * with 4 MiB chunks, a raw to qcow2 conversion spent three times the CPU (the kernel's
         * copies to and from the page cache missing the caches) and twice QEMU's time; with
         * 1 MiB it is faster than QEMU. Large enough that the system calls per byte do not
         * matter.
         */
        public static final int CHUNK = 1 << 20;
        /** Chunk buffers in flight per worker, smoothing out workers that finish out of order. */
        private static final int PER_WORKER = 4;
        /** At most this much chunk buffer memory in flight, whatever the granule. */
        private static final int MAX_BUFFERED = 64 << 20;

        public Settings {
            if (granule <= 0 || Integer.bitCount(granule) != 1) {
                throw new IllegalArgumentException("granule must be a power of two: " + granule);
            }
            if (chunkBytes < granule || chunkBytes % granule != 0) {
                throw new IllegalArgumentException("chunk size must be a multiple of the granule");
            }
            if (threads < 1 || inFlight < 1) {
                throw new IllegalArgumentException("threads and inFlight must be at least 1");
            }
        }

        /**
         * Defaults for a granule and a thread count: {@link #PER_WORKER} chunks per worker plus two
         * (one being written, one being planned), chunks of {@link #CHUNK} or one granule.
         */
        public static Settings of(int granule, int threads, boolean detectZeros) {
            int chunk = Math.max(granule, CHUNK);
            int inFlight = Math.max(2, Math.min(PER_WORKER * threads + 2, MAX_BUFFERED / chunk));
            return new Settings(granule, chunk, threads, inFlight, detectZeros);
        }
    }

    private final VirtualDisk disk;
    private final Settings settings;

    public ChunkPipeline(VirtualDisk disk, Settings settings) {
        this.disk = disk;
        this.settings = settings;
    }

    /**
     * Runs the whole disk through {@code encoders} (one per worker) into {@code sink}, telling
     * {@code progress} after each chunk is written.
     */
    public <R> void run(Supplier<? extends ChunkEncoder<? extends R>> encoders, ChunkSink<? super R> sink,
                        WriteProgress progress) throws IOException {
        int granule = settings.granule();
        BufferPool buffers = new BufferPool(settings.chunkBytes());
        Supplier<OrderedParallelEncoder.Encoder<Chunk, R>> workers = () -> new Worker<R>(encoders.get());
        OrderedParallelEncoder.Sink<Chunk, R> ordered = (chunk, result) -> {
            try {
                sink.accept(chunk, result);
            } finally {
                buffers.release(chunk.buffer());
            }
            progress.advanced(chunk.length());
        };
        Turns turns = new Turns();
        try (OrderedParallelEncoder<Chunk, R> pool = new OrderedParallelEncoder<>("glance-convert-chunk",
                settings.threads(), settings.inFlight(), workers, ordered)) {
            try {
                SpanPlanner planner = new SpanPlanner(disk, granule);
                long number = 0;
                for (Span span = planner.next(); span != null; span = planner.next()) {
                    if (!span.mayHoldData()) {
                        pool.submitDone(Chunk.hole(span.start(), span.length(), granule), null);
                        continue;
                    }
                    for (long off = span.start(); off < span.end(); off += settings.chunkBytes()) {
                        int len = (int) Math.min(settings.chunkBytes(), span.end() - off);
                        pool.submit(Chunk.data(off, len, granule, buffers.acquire(), turns, number++));
                    }
                }
                pool.finish();
            } catch (IOException | RuntimeException | Error e) {
                // Workers waiting for the turn of a chunk that will never run must not hold up close().
                turns.abort();
                throw e;
            }
        }
    }

    /** Reads and scans a chunk, then hands it to the writer's encoder; closes that encoder with the pool. */
    private final class Worker<R> implements OrderedParallelEncoder.Encoder<Chunk, R>, AutoCloseable {
        private final ChunkEncoder<? extends R> encoder;

        Worker(ChunkEncoder<? extends R> encoder) {
            this.encoder = encoder;
        }

        @Override
        public R encode(Chunk chunk) throws IOException {
            try {
                readAndScan(chunk);
                return encoder.encode(chunk);
            } finally {
                chunk.passTurn();
            }
        }

        @Override
        public void close() throws Exception {
            if (encoder instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    private void readAndScan(Chunk chunk) throws IOException {
        ByteBuffer dst = chunk.buffer().duplicate().position(0).limit((int) chunk.length());
        disk.read(chunk.start(), dst);
        if (dst.hasRemaining()) {
            throw new IOException("short read from the source at " + (chunk.start() + dst.position()));
        }
        chunk.prepare(settings.detectZeros());
    }
}
