package org.glanceconvert.format.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.BoundedCache;
import org.glanceconvert.image.BoundedPool;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.image.Zeros;

/**
 * A qcow2 image as a virtual disk: the active L1 table (checked and held in memory, within
 * {@link Limits#maxTableBytes()}), L2 tables through a bounded cache, compressed clusters through
 * a small cache of decompressed clusters. Every entry is validated when it is used, before the
 * offset it holds is followed. Safe for concurrent reads.
 */
final class Qcow2Disk implements VirtualDisk {
    /** Decompressed clusters kept for readers that read a compressed cluster in several pieces. */
    private static final int DECOMPRESSED_CACHE_CLUSTERS = 4;
    /** Idle decompressors kept: about one per reading thread. */
    private static final int IDLE_DECOMPRESSORS = 8;

    private final ByteSource source;
    private final Qcow2Geometry g;
    private final long[] l1;
    private final MetadataRegions metadata;
    private final L2Tables l2Tables;
    private final BoundedPool<ClusterDecompressor> decompressors;
    private final BoundedCache<Long, byte[]> decompressed = new BoundedCache<>(DECOMPRESSED_CACHE_CLUSTERS);

    /** What a run of the virtual disk maps to. */
    private enum Kind { DATA, ZERO, UNALLOCATED, COMPRESSED }

    /**
     * A run starting at a given virtual offset: {@code host} is the file offset of its first byte
     * for DATA; {@code entry} the L2 descriptor for COMPRESSED (the run is then the rest of one
     * cluster).
     */
    private record Run(Kind kind, long length, long host, long entry) {
    }

    Qcow2Disk(ByteSource source, Limits limits, Qcow2Inspection inspection) {
        this.source = source;
        this.g = inspection.geometry;
        this.l1 = inspection.l1;
        this.metadata = inspection.metadata;
        this.l2Tables = new L2Tables(source, g, limits);
        this.decompressors = new BoundedPool<>(ClusterDecompressor.forType(g.compressionType), IDLE_DECOMPRESSORS);
    }

    @Override
    public long size() {
        return g.virtualSize;
    }

    @Override
    public int clusterSize() {
        return g.clusterSize;
    }

    @Override
    public ExtentCursor extents(long offset) {
        return ExtentCursor.walking(offset, g.virtualSize, pos -> {
            Run run = locate(pos, g.virtualSize);
            return switch (run.kind) {
                case DATA -> Extent.data(pos, run.length, run.host);
                case COMPRESSED -> Extent.data(pos, run.length, -1);
                case ZERO -> Extent.zero(pos, run.length);
                case UNALLOCATED -> Extent.unallocated(pos, run.length);
            };
        });
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        VirtualDisk.checkInside(offset, dst.remaining(), g.virtualSize);
        long pos = offset;
        while (dst.hasRemaining()) {
            Run run = locate(pos, pos + dst.remaining());
            int n = (int) Math.min(run.length, dst.remaining());
            switch (run.kind) {
                case DATA -> {
                    ByteBuffer part = dst.slice().limit(n);
                    SourceReads.readFully(source, run.host, part, "data cluster");
                    dst.position(dst.position() + n);
                }
                case COMPRESSED -> {
                    int within = (int) (pos & (g.clusterSize - 1));
                    if (within == 0 && dst.remaining() >= g.clusterSize) {
                        // A whole cluster (the usual case when converting): inflate it in place.
                        int at = dst.position();
                        decompress(run.entry, dst.slice(at, g.clusterSize));
                        dst.position(at + n);
                    } else {
                        dst.put(decompressedCluster(run.entry), within, n);
                    }
                }
                case ZERO, UNALLOCATED -> Zeros.fill(dst, n);
            }
            pos += n;
        }
    }

    private byte[] decompressedCluster(long entry) throws IOException {
        return decompressed.get(entry, this::decompress);
    }

    private byte[] decompress(long entry) throws IOException {
        byte[] cluster = new byte[g.clusterSize];
        decompress(entry, ByteBuffer.wrap(cluster));
        return cluster;
    }

    /** Reads and decompresses the cluster of a compressed L2 entry into {@code cluster} (one cluster of room). */
    private void decompress(long entry, ByteBuffer cluster) throws IOException {
        int length = L2Entry.compressedBytesInFile(g, entry);
        ClusterDecompressor decompressor = decompressors.acquire();
        try {
            byte[] input = decompressor.input(length);
            SourceReads.readFully(source, g.compressedOffset(entry), ByteBuffer.wrap(input, 0, length),
                    "compressed cluster");
            decompressor.decompress(input, length, cluster);
        } finally {
            decompressors.release(decompressor);
        }
    }

    /**
     * The longest run from {@code pos} that one lookup can tell: a stretch of empty L1 entries,
     * or consecutive clusters of one L2 table in the same state (and contiguous in the file, for
     * data). A compressed run is the rest of its cluster. L2 entries are looked at only up to
     * {@code wanted}, so that many small reads do not each scan the rest of a table.
     */
    private Run locate(long pos, long wanted) throws IOException {
        long coverage = g.l2Coverage();
        int l1Index = (int) (pos / coverage);
        long l2Offset = l1[l1Index] & Qcow2Geometry.OFFSET_MASK;
        long tableEnd = Math.min(g.virtualSize, (l1Index + 1) * coverage);
        if (l2Offset == 0) {
            int next = l1Index + 1;
            while (tableEnd < g.virtualSize && (l1[next] & Qcow2Geometry.OFFSET_MASK) == 0) {
                next++;
                tableEnd = Math.min(g.virtualSize, next * coverage);
            }
            return new Run(Kind.UNALLOCATED, tableEnd - pos, -1, 0);
        }
        long[] table = l2Tables.get(l2Offset);
        int index = (int) ((pos % coverage) >> g.clusterBits);
        Run first = inCluster(table, index, pos);
        if (first.kind == Kind.COMPRESSED) {
            return first;
        }
        long end = pos + first.length;
        while (end < Math.min(tableEnd, wanted) && (end & (g.clusterSize - 1)) == 0) {
            Run next = inCluster(table, ++index, end);
            if (next.kind != first.kind || (first.kind == Kind.DATA && next.host != first.host + (end - pos))) {
                break;
            }
            end += next.length;
        }
        return end == pos + first.length ? first : new Run(first.kind, end - pos, first.host, 0);
    }

    /** The run from {@code pos} to the end of its cluster, or of its subclusters in one state. */
    private Run inCluster(long[] table, int index, long pos) throws ImageFormatException {
        long clusterStart = pos & -(long) g.clusterSize;
        long clusterEnd = Math.min(g.virtualSize, clusterStart + g.clusterSize);
        long entry = table[index * g.l2EntryLongs];
        long bitmap = g.extendedL2 ? table[index * 2 + 1] : 0;
        if (L2Entry.compressed(entry)) {
            String problem = L2Entry.compressedProblem(g, entry, bitmap);
            if (problem == null && metadata.overlaps(g.compressedOffset(entry), L2Entry.compressedBytesInFile(g, entry))) {
                problem = "points into metadata";
            }
            if (problem != null) {
                throw new ImageFormatException(Check.QCOW2_COMPRESSED_CLUSTER, describe(clusterStart, entry, problem));
            }
            return new Run(Kind.COMPRESSED, clusterEnd - pos, -1, entry);
        }
        String problem = L2Entry.standardProblem(g, entry, bitmap);
        long host = L2Entry.hostOffset(entry);
        if (problem == null && host != 0) {
            long needed = clusterEnd - clusterStart;
            if (host > g.fileSize - needed) {
                problem = "points past the end of the file";
            } else if (metadata.overlaps(host, needed)) {
                problem = "points into metadata (header, L1, refcount or L2 tables)";
            }
        }
        if (problem != null) {
            throw new ImageFormatException(Check.QCOW2_DATA_CLUSTER, describe(clusterStart, entry, problem));
        }
        if (!g.extendedL2) {
            if ((entry & Qcow2Geometry.ZERO) != 0) {
                return new Run(Kind.ZERO, clusterEnd - pos, -1, 0);
            }
            return host == 0 ? new Run(Kind.UNALLOCATED, clusterEnd - pos, -1, 0)
                    : new Run(Kind.DATA, clusterEnd - pos, host + (pos - clusterStart), 0);
        }
        int sub = (int) ((pos - clusterStart) / g.subclusterSize);
        Kind kind = subclusterKind(bitmap, sub);
        int last = sub;
        while (last + 1 < Qcow2Geometry.SUBCLUSTERS && subclusterKind(bitmap, last + 1) == kind) {
            last++;
        }
        long end = Math.min(clusterEnd, clusterStart + (long) (last + 1) * g.subclusterSize);
        return new Run(kind, end - pos, kind == Kind.DATA ? host + (pos - clusterStart) : -1, 0);
    }

    private static Kind subclusterKind(long bitmap, int sub) {
        if ((L2Entry.allocated(bitmap) & (1 << sub)) != 0) {
            return Kind.DATA;
        }
        return (L2Entry.zeroes(bitmap) & (1 << sub)) != 0 ? Kind.ZERO : Kind.UNALLOCATED;
    }

    private static String describe(long guestOffset, long entry, String problem) {
        return String.format("L2 entry 0x%016x for virtual offset %d %s", entry, guestOffset, problem);
    }

    @Override
    public void close() {
        // The source belongs to whoever opened it (VirtualDisk contract); the codecs are ours.
        decompressors.close();
    }
}
