package org.glanceconvert.format.qcow2;

import java.util.Arrays;

/**
 * Where a qcow2 image keeps its metadata: the header cluster, the L1 and refcount tables (a few
 * ranges) and the L2 tables and refcount blocks (one cluster each, kept as one sorted array no
 * larger than the tables that name them). A data cluster inside any of them is a crafted image
 * reading metadata as guest data: refused. Immutable, so lookups need no locking.
 */
final class MetadataRegions {
    private final long[] rangeStarts;
    private final long[] rangeEnds;
    private final long[] clusters;
    private final int clusterSize;

    private MetadataRegions(long[] rangeStarts, long[] rangeEnds, long[] clusters, int clusterSize) {
        this.rangeStarts = rangeStarts;
        this.rangeEnds = rangeEnds;
        this.clusters = clusters;
        this.clusterSize = clusterSize;
    }

    /**
     * The metadata of an image whose L1 and refcount tables have been read and checked.
     *
     * @param ranges start and length pairs of the header cluster, L1 table and refcount table
     */
    static MetadataRegions of(int clusterSize, long[] ranges, long[] l1, long[] refcountTable) {
        int n = ranges.length / 2;
        long[] starts = new long[n];
        long[] ends = new long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = ranges[2 * i];
            ends[i] = ranges[2 * i] + ranges[2 * i + 1];
        }
        long[] clusters = new long[l1.length + refcountTable.length];
        int count = 0;
        for (long entry : l1) {
            long offset = entry & Qcow2Geometry.OFFSET_MASK;
            if (offset != 0) {
                clusters[count++] = offset;
            }
        }
        for (long entry : refcountTable) {
            if (entry != 0) {
                clusters[count++] = entry;
            }
        }
        Arrays.sort(clusters, 0, count);
        int distinct = 0;
        for (int i = 0; i < count; i++) {
            if (distinct == 0 || clusters[distinct - 1] != clusters[i]) {
                clusters[distinct++] = clusters[i];
            }
        }
        return new MetadataRegions(starts, ends, Arrays.copyOf(clusters, distinct), clusterSize);
    }

    /** True when {@code [start, start + length)} touches any metadata. */
    boolean overlaps(long start, long length) {
        for (int i = 0; i < rangeStarts.length; i++) {
            if (start < rangeEnds[i] && rangeStarts[i] < start + length) {
                return true;
            }
        }
        long first = start & -(long) clusterSize;
        for (long c = first; c < start + length; c += clusterSize) {
            if (Arrays.binarySearch(clusters, c) >= 0) {
                return true;
            }
        }
        return false;
    }
}
