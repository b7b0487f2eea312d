package org.glanceconvert.format.vmdk;

import java.util.Map;
import java.util.TreeMap;

/**
 * The byte ranges of the file that structures already claim, for overlap checks. Adjacent ranges
 * merge, so a well-packed image (grains and tables laid end to end) needs only a few entries;
 * {@link #tooFragmented} says when a file would need more than the memory allowed.
 */
final class OccupiedRanges {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private final int maxRanges;

    OccupiedRanges(int maxRanges) {
        this.maxRanges = maxRanges;
    }

    /**
     * Claims {@code [start, end)}. Returns the start of an already-claimed range it overlaps, or
     * -1 when it was free and is now claimed.
     */
    long claim(long start, long end) {
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() > start) {
            return before.getKey();
        }
        Map.Entry<Long, Long> after = ranges.ceilingEntry(start);
        if (after != null && after.getKey() < end) {
            return after.getKey();
        }
        long newStart = start;
        long newEnd = end;
        if (before != null && before.getValue() == start) {
            newStart = before.getKey();
        }
        if (after != null && after.getKey() == end) {
            newEnd = after.getValue();
            ranges.remove(after.getKey());
        }
        ranges.put(newStart, newEnd);
        return -1;
    }

    boolean tooFragmented() {
        return ranges.size() > maxRanges;
    }
}
