package org.glanceconvert.format.qcow2;

import java.util.Arrays;

/**
 * Host byte ranges that hold metadata (header cluster, L1 table, refcount table, L2 tables,
 * refcount blocks). A data cluster inside one of them is a crafted image reading metadata as
 * guest data, or writing over it: refused. Immutable, so lookups need no locking.
 */
final class MetadataRegions {
    private final long[] starts;
    private final long[] ends;

    private MetadataRegions(long[] starts, long[] ends) {
        this.starts = starts;
        this.ends = ends;
    }

    /** Collects ranges in any order; {@link #build()} sorts and merges them. */
    static final class Builder {
        private long[] starts = new long[16];
        private long[] ends = new long[16];
        private int count;

        Builder add(long start, long length) {
            if (length <= 0) {
                return this;
            }
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            starts[count] = start;
            ends[count] = start + length;
            count++;
            return this;
        }

        /**
         * Merges the ranges. Sorting starts and ends separately and sweeping the nesting depth
         * gives the union without sorting pairs (there may be millions of L2 tables).
         */
        MetadataRegions build() {
            long[] s = Arrays.copyOf(starts, count);
            long[] e = Arrays.copyOf(ends, count);
            Arrays.sort(s);
            Arrays.sort(e);
            long[] outStarts = new long[count];
            long[] outEnds = new long[count];
            int n = 0;
            int depth = 0;
            int i = 0;
            int j = 0;
            while (i < count) {
                if (s[i] <= e[j]) {
                    if (depth++ == 0) {
                        if (n > 0 && outEnds[n - 1] == s[i]) {
                            n--; // touching ranges join
                        } else {
                            outStarts[n] = s[i];
                        }
                    }
                    i++;
                } else {
                    if (--depth == 0) {
                        outEnds[n++] = e[j];
                    }
                    j++;
                }
            }
            if (count > 0) {
                outEnds[n++] = e[count - 1];
            }
            return new MetadataRegions(Arrays.copyOf(outStarts, n), Arrays.copyOf(outEnds, n));
        }
    }

    /** True when {@code [start, start + length)} touches any metadata range. */
    boolean overlaps(long start, long length) {
        int i = Arrays.binarySearch(starts, start);
        int candidate = i >= 0 ? i : -i - 2; // the last range starting at or before start
        if (candidate >= 0 && ends[candidate] > start) {
            return true;
        }
        int next = candidate + 1;
        return next < starts.length && starts[next] < start + length;
    }
}
