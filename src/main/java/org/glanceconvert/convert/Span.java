package org.glanceconvert.convert;

/**
 * A granule-aligned run of the virtual disk, as the allocation map plans it: either it may hold
 * data (some granule in it has a DATA extent, so it has to be read) or it certainly reads as
 * zero (every extent in it is ZERO or UNALLOCATED, so it is never read).
 */
public record Span(long start, long length, boolean mayHoldData) {

    public long end() {
        return start + length;
    }
}
