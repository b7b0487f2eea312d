package org.glanceconvert.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.VirtualDisk;

/**
 * A disk made up on the fly for the micro-benchmarks: every {@code stride}-th run of {@code run}
 * bytes is data (compressing about 3:1 with zlib, like binaries and text on a real file system),
 * the rest unallocated. Nothing is stored, so a benchmark can use a large disk without a file.
 */
public final class SyntheticDisk implements VirtualDisk {
    private static final int TEXTURE = 1 << 20;
    private static final ByteBuffer TEXTURE_BYTES = texture();

    private final long size;
    private final long run;
    private final long stride;

    /** {@code size} bytes where runs of {@code run} bytes are data, one in every {@code stride} runs. */
    public SyntheticDisk(long size, long run, int stride) {
        this.size = size;
        this.run = run;
        this.stride = stride;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public ExtentCursor extents(long offset) {
        return ExtentCursor.walking(offset, size, pos -> {
            long index = pos / run;
            long end = Math.min(size, (index + 1) * run);
            return isData(index) ? Extent.data(pos, end - pos, -1) : Extent.unallocated(pos, end - pos);
        });
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        VirtualDisk.checkInside(offset, dst.remaining(), size);
        long pos = offset;
        while (dst.hasRemaining()) {
            long index = pos / run;
            int n = (int) Math.min(dst.remaining(), (index + 1) * run - pos);
            if (isData(index)) {
                int from = (int) (pos % TEXTURE);
                int k = Math.min(n, TEXTURE - from);
                dst.put(TEXTURE_BYTES.slice(from, k));
                n = k;
            } else {
                for (int i = 0; i < n; i++) {
                    dst.put((byte) 0);
                }
            }
            pos += n;
        }
    }

    private boolean isData(long index) {
        return index % stride == 0;
    }

    @Override
    public void close() {
    }

    /** Tokens from a small random vocabulary with some noise: deflates about 3:1. */
    private static ByteBuffer texture() {
        Random random = new Random(42);
        byte[][] words = new byte[512][];
        for (int i = 0; i < words.length; i++) {
            words[i] = new byte[3 + random.nextInt(10)];
            random.nextBytes(words[i]);
        }
        ByteBuffer b = ByteBuffer.allocateDirect(TEXTURE);
        while (b.hasRemaining()) {
            if (random.nextInt(4) == 0) {
                b.put((byte) random.nextInt());
                continue;
            }
            byte[] w = words[(int) Math.abs(random.nextGaussian() * 60) % words.length];
            b.put(w, 0, Math.min(w.length, b.remaining()));
        }
        return b.flip().asReadOnlyBuffer();
    }
}
