package org.glanceconvert.content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.image.ZeroRuns;

/**
 * Compares the virtual contents of two disks the way QEMU's compare does: ranges both
 * sides' metadata say read as zero are skipped unread; a size difference is a difference only
 * when the larger disk's extra part is not all zero (unless strict).
 */
public final class DiskComparator {
    private static final int CHUNK = 1 << 20;

    /** The outcome: identical, or the first differing virtual offset. */
    public record Result(boolean identical, long firstDifference, boolean sizeMismatch) {
    }

    private DiskComparator() {
    }

    public static Result compare(VirtualDisk a, VirtualDisk b, boolean strictSize) throws IOException {
        boolean sizeMismatch = a.size() != b.size();
        if (sizeMismatch && strictSize) {
            return new Result(false, Math.min(a.size(), b.size()), true);
        }
        long common = Math.min(a.size(), b.size());
        long diff = firstDifference(a, b, common);
        if (diff < 0 && sizeMismatch) {
            VirtualDisk larger = a.size() > b.size() ? a : b;
            diff = firstNonZero(larger, common);
        }
        return new Result(diff < 0, diff, sizeMismatch);
    }

    private static long firstDifference(VirtualDisk a, VirtualDisk b, long end) throws IOException {
        ZeroRuns zeroA = new ZeroRuns(a, 0);
        ZeroRuns zeroB = new ZeroRuns(b, 0);
        ByteBuffer bufA = ByteBuffer.allocate(CHUNK);
        ByteBuffer bufB = ByteBuffer.allocate(CHUNK);
        long pos = 0;
        while (pos < end) {
            long skip = Math.min(zeroA.zeroUntil(pos), zeroB.zeroUntil(pos));
            if (skip > pos) {
                pos = Math.min(skip, end);
                continue;
            }
            int n = (int) Math.min(CHUNK, end - pos);
            bufA.clear().limit(n);
            bufB.clear().limit(n);
            a.read(pos, bufA);
            b.read(pos, bufB);
            int i = Arrays.mismatch(bufA.array(), 0, n, bufB.array(), 0, n);
            if (i >= 0) {
                return pos + i;
            }
            pos += n;
        }
        return -1;
    }

    private static long firstNonZero(VirtualDisk disk, long from) throws IOException {
        ZeroRuns zero = new ZeroRuns(disk, from);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long pos = from;
        while (pos < disk.size()) {
            long skip = zero.zeroUntil(pos);
            if (skip > pos) {
                pos = skip;
                continue;
            }
            int n = (int) Math.min(CHUNK, disk.size() - pos);
            buf.clear().limit(n);
            disk.read(pos, buf);
            for (int i = 0; i < n; i++) {
                if (buf.get(i) != 0) {
                    return pos + i;
                }
            }
            pos += n;
        }
        return -1;
    }
}
