package org.glanceconvert.format.qcow2;

/**
 * Decoding and validation of one L2 entry (qcow2.txt "Cluster mapping" and "Extended L2
 * Entries"): the descriptor word and, with extended L2, the subcluster bitmap word.
 */
final class L2Entry {
    private L2Entry() {
    }

    static boolean compressed(long entry) {
        return (entry & Qcow2Geometry.COMPRESSED) != 0;
    }

    static long hostOffset(long entry) {
        return entry & Qcow2Geometry.OFFSET_MASK;
    }

    /** Allocation bits of an extended L2 bitmap, one per subcluster. */
    static int allocated(long bitmap) {
        return (int) bitmap;
    }

    /** "Reads as zero" bits of an extended L2 bitmap, one per subcluster. */
    static int zeroes(long bitmap) {
        return (int) (bitmap >>> 32);
    }

    /**
     * What is wrong with a standard (uncompressed) entry on its own, or null. Where it points is
     * checked by the caller, which knows the file and its metadata.
     */
    static String standardProblem(Qcow2Geometry g, long entry, long bitmap) {
        if ((entry & Qcow2Geometry.L2_STANDARD_RESERVED) != 0) {
            return "has reserved bits set";
        }
        if ((entry & Qcow2Geometry.ZERO) != 0 && !g.zeroFlagAllowed) {
            return g.extendedL2 ? "has bit 0 set, which extended L2 entries reserve"
                    : "has the zero flag, which version 2 does not have";
        }
        long offset = hostOffset(entry);
        if (!g.clusterAligned(offset)) {
            return "points at an offset that is not cluster aligned";
        }
        if (g.extendedL2) {
            if ((allocated(bitmap) & zeroes(bitmap)) != 0) {
                return "marks a subcluster both allocated and zero";
            }
            if (allocated(bitmap) != 0 && offset == 0) {
                return "allocates subclusters without a host cluster";
            }
        }
        return null;
    }

    /** What is wrong with a compressed entry on its own, or null. */
    static String compressedProblem(Qcow2Geometry g, long entry, long bitmap) {
        if (g.extendedL2 && bitmap != 0) {
            return "is compressed but has a subcluster bitmap";
        }
        long offset = g.compressedOffset(entry);
        if ((offset >>> 56) != 0) {
            return "has a compressed data offset beyond 56 bits";
        }
        if (offset < g.clusterSize) {
            return "points into the header cluster";
        }
        if (offset >= g.fileSize) {
            return "points past the end of the file";
        }
        // qemu does not always write the last sector of the last compressed cluster in full, and
        // reads it as zeros: only running past the end by whole sectors is an error.
        long end = offset + g.compressedLength(entry);
        if (end > g.fileSize && end - g.fileSize >= 512) {
            return "runs " + (end - g.fileSize) + " bytes past the end of the file";
        }
        return null;
    }

    /** Bytes of a compressed cluster's data that the file holds. */
    static int compressedBytesInFile(Qcow2Geometry g, long entry) {
        long offset = g.compressedOffset(entry);
        return (int) Math.min(g.compressedLength(entry), g.fileSize - offset);
    }
}
