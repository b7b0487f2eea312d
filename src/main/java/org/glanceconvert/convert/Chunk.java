package org.glanceconvert.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.Zeros;

/**
 * A piece of the virtual disk on its way to a writer, granule-aligned at its start: either a
 * hole (the allocation map says it reads as zero; nothing was read and {@link #length} may be
 * huge) or data read from the source, with each granule marked when its bytes are all zero.
 *
 * <p>A data chunk's buffer is borrowed from the pipeline and reused once the sink returns:
 * writers must not keep it (or slices of it) beyond their {@code accept} call.
 */
public final class Chunk {

    /** Receives a run of bytes to store: its virtual offset and the bytes (borrowed, like the chunk's). */
    @FunctionalInterface
    public interface RunSink {
        void accept(long start, ByteBuffer bytes) throws IOException;
    }

    private final long start;
    private final long length;
    private final int granule;
    private final ByteBuffer buffer;
    private final Turns turns;
    private final long number;
    private boolean turnTaken;
    private long[] zeroGranules;

    /** Works on a chunk in its turn. */
    @FunctionalInterface
    public interface Section {
        void run() throws IOException;
    }

    private Chunk(long start, long length, int granule, ByteBuffer buffer, Turns turns, long number) {
        this.start = start;
        this.length = length;
        this.granule = granule;
        this.buffer = buffer;
        this.turns = turns;
        this.number = number;
    }

    static Chunk hole(long start, long length, int granule) {
        return new Chunk(start, length, granule, null, null, -1);
    }

    static Chunk data(long start, int length, int granule, ByteBuffer buffer) {
        return new Chunk(start, length, granule, buffer, null, -1);
    }

    /** A data chunk that is number {@code number} of the data chunks handed to {@code turns}. */
    static Chunk data(long start, int length, int granule, ByteBuffer buffer, Turns turns, long number) {
        return new Chunk(start, length, granule, buffer, turns, number);
    }

    /**
     * Runs {@code section} on this (worker) thread after the sections of every earlier data chunk
     * of the pipeline, and before those of the later ones: for the part of an encoder's work that
     * must see the chunks in disk order, such as choosing where the chunk's data goes in the
     * output. At most once per chunk, from the pipeline's encoder, never from its sink.
     */
    public void inTurn(Section section) throws IOException {
        if (turns == null || turnTaken) {
            throw new IllegalStateException("no turn to take for the chunk at " + start);
        }
        turnTaken = true;
        turns.await(number);
        try {
            section.run();
        } finally {
            turns.pass(number);
        }
    }

    /**
     * Passes the turn if the encoder did not take it, so later chunks go on; if waiting for it
     * fails, no later chunk gets a turn either.
     */
    void passTurn() {
        if (turns != null && !turnTaken) {
            turnTaken = true;
            try {
                turns.await(number);
                turns.pass(number);
            } catch (IOException e) {
                turns.abort();
            }
        }
    }

    /** Virtual offset of the first byte. */
    public long start() {
        return start;
    }

    public long length() {
        return length;
    }

    public long end() {
        return start + length;
    }

    /** True when the allocation map says the whole chunk reads as zero. */
    public boolean isHole() {
        return buffer == null;
    }

    /** The granule size the chunk was planned and scanned with. */
    public int granuleSize() {
        return granule;
    }

    /** Number of granules of a data chunk (the last one may be partial at the disk's end). */
    public int granules() {
        return (int) ((length + granule - 1) / granule);
    }

    /** The bytes of a data chunk: position 0, limit {@link #length}. */
    public ByteBuffer data() {
        return buffer.duplicate().position(0).limit((int) length);
    }

    /**
     * Granule {@code index} of a data chunk, always a full granule: a last granule cut short by
     * the end of the disk is padded with zeros (formats store whole clusters).
     */
    public ByteBuffer granule(int index) {
        return buffer.slice(index * granule, granule);
    }

    /** Granules {@code from} to {@code to} (exclusive), full-size, as one buffer. */
    public ByteBuffer granules(int from, int to) {
        return buffer.slice(from * granule, (to - from) * granule);
    }

    /** Bytes of granule {@code index} that lie inside the disk. */
    public int granuleLength(int index) {
        return (int) Math.min(granule, length - (long) index * granule);
    }

    /** True when granule {@code index} was found all zero (always false if zeros were not scanned). */
    public boolean isZeroGranule(int index) {
        return zeroGranules != null && (zeroGranules[index >>> 6] & (1L << index)) != 0;
    }

    /** True when every granule was found all zero. */
    public boolean isAllZero() {
        if (zeroGranules == null) {
            return false;
        }
        int n = granules();
        for (int i = 0; i < n; i++) {
            if (!isZeroGranule(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Hands {@code sink} the runs of granules of a data chunk that were not found all zero, in
     * order, each cut where it would cross a multiple of {@code boundary} (an output block) and
     * none past the end of the disk. Nothing for a hole.
     */
    public void forEachDataRun(long boundary, RunSink sink) throws IOException {
        if (isHole()) {
            return;
        }
        int n = granules();
        int i = 0;
        while (i < n) {
            if (isZeroGranule(i)) {
                i++;
                continue;
            }
            int first = i;
            while (i < n && !isZeroGranule(i)) {
                i++;
            }
            long from = start + (long) first * granule;
            long to = Math.min(end(), start + (long) i * granule);
            while (from < to) {
                long cut = Math.min(to, (from / boundary + 1) * boundary);
                sink.accept(from, buffer.slice((int) (from - start), (int) (cut - from)));
                from = cut;
            }
        }
    }

    ByteBuffer buffer() {
        return buffer;
    }

    /** Pads the last granule with zeros and, when asked, marks the all-zero granules. */
    void prepare(boolean detectZeros) {
        int n = granules();
        int padded = n * granule;
        for (int i = (int) length; i < padded; ) {
            int step = Math.min(padded - i, 64 * 1024);
            buffer.put(i, Zeros.block(step), 0, step);
            i += step;
        }
        if (detectZeros) {
            long[] zeros = new long[(n + 63) >>> 6];
            for (int i = 0; i < n; i++) {
                if (Zeros.isZero(buffer, i * granule, granule)) {
                    zeros[i >>> 6] |= 1L << i;
                }
            }
            zeroGranules = zeros;
        }
    }
}
