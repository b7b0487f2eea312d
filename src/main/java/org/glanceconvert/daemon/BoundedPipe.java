package org.glanceconvert.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Connects a writer running on one thread (a conversion writing its output in order) with a
 * reader on another (the HTTP upload), through at most {@code chunks} chunks of
 * {@code chunkSize} bytes: the image is never buffered whole. A failure on either side reaches
 * the other: the reader gets the writer's exception instead of a clean end of stream (so a
 * half-written image is never uploaded as complete), and the writer gets an exception once the
 * reader has gone.
 */
public final class BoundedPipe {
    private static final byte[] END = new byte[0];
    private static final long WAIT_MILLIS = 100;

    private final BlockingQueue<byte[]> queue;
    private final int chunkSize;
    private final Sink sink = new Sink();
    private final Source source = new Source();
    private volatile Throwable writerFailure;
    private volatile boolean readerClosed;

    public BoundedPipe(int chunks, int chunkSize) {
        if (chunks < 1 || chunkSize < 1) {
            throw new IllegalArgumentException("chunks and chunkSize must be positive");
        }
        this.queue = new ArrayBlockingQueue<>(chunks);
        this.chunkSize = chunkSize;
    }

    /** The writing end; {@link WritableByteChannel#close()} marks a complete stream. */
    public WritableByteChannel sink() {
        return sink;
    }

    /** The reading end. */
    public InputStream source() {
        return source;
    }

    /** Ends the stream with an error: the reader sees it instead of the end of the data. */
    public void fail(Throwable cause) {
        writerFailure = cause;
        sink.open = false;
    }

    /** The exception a reader gets when the writer failed. */
    public static final class WriterFailedException extends IOException {
        private static final long serialVersionUID = 1L;

        WriterFailedException(Throwable cause) {
            // The cause's message stays out of ours: retry logic reads messages ("closed", "reset").
            super("the data being sent could not be produced", cause);
        }
    }

    private final class Sink implements WritableByteChannel {
        private byte[] chunk;
        private int filled;
        private volatile boolean open = true;

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!open) {
                throw new ClosedChannelException();
            }
            int written = 0;
            while (src.hasRemaining()) {
                if (chunk == null) {
                    chunk = new byte[chunkSize];
                    filled = 0;
                }
                int n = Math.min(src.remaining(), chunkSize - filled);
                src.get(chunk, filled, n);
                filled += n;
                written += n;
                if (filled == chunkSize) {
                    put(chunk);
                    chunk = null;
                }
            }
            return written;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            if (!open) {
                return;
            }
            if (chunk != null && filled > 0) {
                byte[] last = new byte[filled];
                System.arraycopy(chunk, 0, last, 0, filled);
                put(last);
            }
            chunk = null;
            put(END);
            open = false;
        }

        private void put(byte[] b) throws IOException {
            try {
                if (readerClosed) {
                    throw new IOException("the reader of the pipe has gone");
                }
                while (!queue.offer(b, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    if (readerClosed) {
                        throw new IOException("the reader of the pipe has gone");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing into the pipe");
            }
        }
    }

    private final class Source extends InputStream {
        private byte[] current;
        private int pos;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (readerClosed) {
                throw new IOException("pipe closed");
            }
            if (len == 0) {
                return 0;
            }
            while (current == null || pos == current.length) {
                if (ended) {
                    return -1;
                }
                byte[] next = take();
                if (next == END) {
                    ended = true;
                    return -1;
                }
                current = next;
                pos = 0;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        private byte[] take() throws IOException {
            try {
                while (true) {
                    // Data the writer queued before failing is not delivered: the stream is void.
                    if (writerFailure != null) {
                        throw new WriterFailedException(writerFailure);
                    }
                    byte[] b = queue.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                    if (b != null) {
                        if (writerFailure != null) {
                            throw new WriterFailedException(writerFailure);
                        }
                        return b;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading from the pipe");
            }
        }

        @Override
        public void close() {
            readerClosed = true;
            queue.clear();
        }
    }
}
