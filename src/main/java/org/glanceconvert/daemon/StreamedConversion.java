package org.glanceconvert.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.glanceconvert.convert.ConversionResult;
import org.glanceconvert.convert.ImageConverter;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.glance.UploadBody;
import org.glanceconvert.image.VirtualDisk;

/**
 * A conversion whose output goes straight into an upload: a producer thread writes the image
 * in order into a {@link BoundedPipe}, the upload reads the other end. The body can be opened
 * again (the client retries a transient failure by running the conversion again from the
 * start); what the last complete run sent is counted and hashed.
 */
final class StreamedConversion {
    private static final int PIPE_CHUNKS = 4;
    private static final int PIPE_CHUNK_SIZE = 1 << 20;

    private final ImageConverter converter;
    private final VirtualDisk disk;
    private final String hashAlgo;
    private final ExecutorService producers;
    private final WriteProgress progress;

    private BoundedPipe pipe;
    private Future<ConversionResult> run;
    private MeasuredStream measured;

    StreamedConversion(ImageConverter converter, VirtualDisk disk, String hashAlgo, ExecutorService producers,
                       WriteProgress progress) {
        this.converter = converter;
        this.disk = disk;
        this.hashAlgo = hashAlgo;
        this.producers = producers;
        this.progress = progress;
    }

    UploadBody body() {
        return UploadBody.repeatable(this::open, -1);
    }

    /** Starts a run of the conversion and returns its output (the upload body opens this, once per try). */
    synchronized InputStream open() {
        cancel();
        BoundedPipe p = new BoundedPipe(PIPE_CHUNKS, PIPE_CHUNK_SIZE);
        pipe = p;
        run = producers.submit(() -> {
            try {
                ConversionResult r = converter.toStream(disk, p.sink(), progress);
                p.sink().close();
                return r;
            } catch (Throwable t) {
                p.fail(t);
                throw t;
            }
        });
        measured = new MeasuredStream(p.source(), hashAlgo);
        return measured;
    }

    /** The result of the run whose output was uploaded; rethrows its failure. */
    synchronized ConversionResult finish() throws IOException, InterruptedException {
        if (run == null) {
            throw new IllegalStateException("the upload never read the conversion");
        }
        try {
            return run.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException("conversion failed: " + c, c);
        }
    }

    synchronized long bytesSent() {
        return measured == null ? 0 : measured.count();
    }

    synchronized String hash() {
        return measured.hex();
    }

    /** Stops a run still producing (the upload gave up on it). */
    synchronized void cancel() {
        if (pipe != null) {
            try {
                pipe.source().close();
            } catch (IOException e) {
                // closing the reading end only flags it
            }
        }
        if (run != null && !run.isDone()) {
            run.cancel(true);
        }
    }
}
