package org.glanceconvert.convert;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Lets the workers of a {@link ChunkPipeline} take turns in disk order for the part of their
 * work that must happen in order (choosing where a chunk's data goes in the output), while the
 * rest (reading, scanning, writing at the chosen place) overlaps. Data chunks are numbered in
 * submission order; a worker takes chunk n's turn once chunks 0..n-1 have passed theirs. Every
 * chunk passes its turn, taken or not, when its worker is done with it, so a failed chunk
 * cannot hold up the others; {@link #abort} releases every waiter with an exception.
 */
final class Turns {
    private long next;
    private boolean aborted;

    /** Waits until every chunk numbered below {@code number} has passed its turn. */
    synchronized void await(long number) throws IOException {
        while (next != number) {
            if (aborted) {
                throw new IOException("the conversion was stopped");
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for earlier chunks");
            }
        }
    }

    /** Ends chunk {@code number}'s turn (the caller holds it: see {@link #await}). */
    synchronized void pass(long number) {
        if (next == number) {
            next++;
            notifyAll();
        }
    }

    synchronized void abort() {
        aborted = true;
        notifyAll();
    }
}
