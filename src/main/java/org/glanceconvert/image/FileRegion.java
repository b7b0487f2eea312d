package org.glanceconvert.image;

import java.util.List;

/**
 * A byte range of an image file that holds one structure (a header, a table, a log), for the
 * bounds and overlap checks every reader makes before it follows an offset.
 */
public record FileRegion(String what, long start, long end) {

    public boolean overlaps(long otherStart, long otherEnd) {
        return start < otherEnd && otherStart < end;
    }

    public boolean overlaps(FileRegion other) {
        return overlaps(other.start, other.end);
    }

    /** The first of {@code regions} that {@code [start, end)} overlaps, or null when none does. */
    public static FileRegion firstOverlapping(List<FileRegion> regions, long start, long end) {
        for (FileRegion r : regions) {
            if (r.overlaps(start, end)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return what + " (bytes " + start + " to " + end + ")";
    }
}
