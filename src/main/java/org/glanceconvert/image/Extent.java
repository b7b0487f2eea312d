package org.glanceconvert.image;

/**
 * A run of a virtual disk whose bytes share one allocation state.
 *
 * @param start       virtual offset of the first byte
 * @param length      length in bytes, positive
 * @param kind        data, zero or unallocated
 * @param hostOffset  where the data lives in the image file when it is stored there
 *                    uncompressed and contiguously, else -1 (as the {@code offset} of QEMU's map)
 */
public record Extent(long start, long length, Kind kind, long hostOffset) {

    /** What the range holds, as metadata says (never by scanning content). */
    public enum Kind {
        /** Stored data (which may still happen to be zeros). */
        DATA,
        /** Explicitly recorded as reading zero (qcow2 zero cluster, VHDX zero block, ...). */
        ZERO,
        /** Not allocated: reads as zero, as these images have no backing file. */
        UNALLOCATED;

        /** True for the kinds that read as zero without any data stored. */
        public boolean readsAsZero() {
            return this != DATA;
        }
    }

    public Extent {
        if (start < 0 || length <= 0) {
            throw new IllegalArgumentException("bad extent " + start + "+" + length);
        }
    }

    public static Extent data(long start, long length, long hostOffset) {
        return new Extent(start, length, Kind.DATA, hostOffset);
    }

    public static Extent zero(long start, long length) {
        return new Extent(start, length, Kind.ZERO, -1);
    }

    public static Extent unallocated(long start, long length) {
        return new Extent(start, length, Kind.UNALLOCATED, -1);
    }

    public long end() {
        return start + length;
    }

    /**
     * Joins {@code next} onto this extent when it continues it exactly: same kind, adjacent,
     * and (for data) contiguous in the file. Returns null when they cannot be joined.
     */
    public Extent joinedWith(Extent next) {
        if (next.start != end() || next.kind != kind) {
            return null;
        }
        long host;
        if (hostOffset < 0 || next.hostOffset < 0) {
            if (hostOffset >= 0 || next.hostOffset >= 0) {
                return null;
            }
            host = -1;
        } else if (next.hostOffset == hostOffset + length) {
            host = hostOffset;
        } else {
            return null;
        }
        return new Extent(start, length + next.length, kind, host);
    }
}
