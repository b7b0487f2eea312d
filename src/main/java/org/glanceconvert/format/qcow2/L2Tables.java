package org.glanceconvert.format.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.BoundedCache;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;

/**
 * L2 tables read on demand through a cache of at most {@link Limits#maxCacheBytes()} (at least
 * two tables). Offsets given here have been checked against the file and its metadata already.
 */
final class L2Tables {
    private final ByteSource source;
    private final Qcow2Geometry g;
    private final BoundedCache<Long, long[]> cache;

    L2Tables(ByteSource source, Qcow2Geometry g, Limits limits) {
        this.source = source;
        this.g = g;
        this.cache = new BoundedCache<>((int) Math.max(2, Math.min(Integer.MAX_VALUE,
                limits.maxCacheBytes() / g.clusterSize)));
    }

    long[] get(long offset) throws IOException {
        return cache.get(offset, this::read);
    }

    private long[] read(long offset) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(g.clusterSize);
        SourceReads.readFully(source, offset, bytes, "L2 table at " + offset);
        bytes.flip();
        long[] table = new long[g.clusterSize / 8];
        bytes.asLongBuffer().get(table);
        return table;
    }
}
