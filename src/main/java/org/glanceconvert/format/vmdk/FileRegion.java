package org.glanceconvert.format.vmdk;

/** A byte range of the image file that holds one structure, for overlap and bounds checks. */
record FileRegion(String what, long start, long end) {

    boolean overlaps(long otherStart, long otherEnd) {
        return start < otherEnd && otherStart < end;
    }

    boolean overlaps(FileRegion other) {
        return overlaps(other.start, other.end);
    }

    @Override
    public String toString() {
        return what + " (bytes " + start + " to " + end + ")";
    }
}
