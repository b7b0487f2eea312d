package org.glanceconvert.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.VirtualDisk;

/**
 * A small in-memory disk with an allocation map given by the test, for exercising the planner
 * on maps no real file system produces (sub-sector data runs, explicit ZERO extents, DATA extents
 * that hold zeros). Reads return the bytes, zero where the map says so.
 */
final class ExtentListDisk implements VirtualDisk {
    private final byte[] content;
    private final List<Extent> extents;

    ExtentListDisk(byte[] content, List<Extent> extents) {
        this.content = content;
        this.extents = List.copyOf(extents);
    }

    /** Builds a map from (kind, length) pairs laid end to end. */
    static List<Extent> map(Object... kindAndLength) {
        List<Extent> list = new ArrayList<>();
        long pos = 0;
        for (int i = 0; i < kindAndLength.length; i += 2) {
            Extent.Kind kind = (Extent.Kind) kindAndLength[i];
            long length = ((Number) kindAndLength[i + 1]).longValue();
            list.add(new Extent(pos, length, kind, kind == Extent.Kind.DATA ? pos : -1));
            pos += length;
        }
        return list;
    }

    @Override
    public long size() {
        return content.length;
    }

    @Override
    public ExtentCursor extents(long offset) {
        Iterator<Extent> it = extents.stream().filter(e -> e.end() > offset).iterator();
        return () -> {
            if (!it.hasNext()) {
                return null;
            }
            Extent e = it.next();
            if (e.start() < offset) {
                return new Extent(offset, e.end() - offset, e.kind(), e.hostOffset() < 0 ? -1 : offset);
            }
            return e;
        };
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        if (offset + dst.remaining() > content.length) {
            throw new IOException("read past the end");
        }
        int n = dst.remaining();
        for (int i = 0; i < n; i++) {
            long pos = offset + i;
            dst.put(isData(pos) ? content[(int) pos] : 0);
        }
    }

    private boolean isData(long pos) {
        for (Extent e : extents) {
            if (pos >= e.start() && pos < e.end()) {
                return e.kind() == Extent.Kind.DATA;
            }
        }
        return false;
    }

    @Override
    public void close() {
    }
}
