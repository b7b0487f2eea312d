package org.glanceconvert.glance;

import java.io.InputStream;
import java.util.SplittableRandom;

/** Deterministic pseudo-random bytes of a given length, produced on the fly (never held in memory). */
final class GeneratedData extends InputStream {
    private final long length;
    private final SplittableRandom random;
    private long position;
    private long word;
    private int wordLeft;

    GeneratedData(long seed, long length) {
        this.random = new SplittableRandom(seed);
        this.length = length;
    }

    @Override
    public int read() {
        if (position >= length) {
            return -1;
        }
        if (wordLeft == 0) {
            word = random.nextLong();
            wordLeft = 8;
        }
        int b = (int) (word & 0xff);
        word >>>= 8;
        wordLeft--;
        position++;
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(len, length - position);
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) read();
        }
        return n;
    }

    /** The bytes at [offset, offset + len) of the same stream. */
    static byte[] slice(long seed, long length, long offset, int len) {
        GeneratedData d = new GeneratedData(seed, length);
        d.skipTo(offset);
        byte[] out = new byte[len];
        d.read(out, 0, len);
        return out;
    }

    private void skipTo(long offset) {
        long words = offset / 8;
        for (long i = 0; i < words; i++) {
            random.nextLong();
        }
        position = words * 8;
        wordLeft = 0;
        while (position < offset) {
            read();
        }
    }
}
