package org.glanceconvert.format.qcow2;

/**
 * The layout a validated header implies: cluster and subcluster sizes, L2 entry width, how much
 * of the virtual disk one L2 table maps, and the bit fields of table entries (qcow2.txt "Cluster
 * mapping", "Extended L2 Entries", "Host cluster management").
 */
final class Qcow2Geometry {
    /** Bits 9-55: the host offset in L1, L2 and standard cluster descriptors. */
    static final long OFFSET_MASK = 0x00FF_FFFF_FFFF_FE00L;
    /** Refcount is exactly one (L1 and L2 entries). */
    static final long COPIED = 1L << 63;
    static final long COMPRESSED = 1L << 62;
    /** Standard cluster descriptor bit 0 (version 3 without extended L2): reads as zero. */
    static final long ZERO = 1L;
    static final long L1_RESERVED = 0x7F00_0000_0000_01FFL;
    static final long L2_STANDARD_RESERVED = 0x3F00_0000_0000_01FEL;
    static final long REFCOUNT_TABLE_RESERVED = 0x1FFL;
    static final int SUBCLUSTERS = 32;

    final int version;
    final int clusterBits;
    final int clusterSize;
    final long virtualSize;
    final long fileSize;
    final boolean extendedL2;
    final boolean zeroFlagAllowed;
    final int l2EntryLongs;
    final int l2Entries;
    final int subclusterSize;
    final int refcountOrder;
    final int compressionType;
    /** Start bit of the sector count in a compressed cluster descriptor. */
    final int compressedSizeShift;
    final long compressedSizeMask;
    final long compressedOffsetMask;

    Qcow2Geometry(Qcow2Header header, long fileSize) {
        this.version = header.version;
        this.clusterBits = header.clusterBits;
        this.clusterSize = 1 << clusterBits;
        this.virtualSize = header.size;
        this.fileSize = fileSize;
        this.extendedL2 = header.extendedL2();
        this.zeroFlagAllowed = version >= 3 && !extendedL2;
        this.l2EntryLongs = extendedL2 ? 2 : 1;
        this.l2Entries = clusterSize / (8 * l2EntryLongs);
        this.subclusterSize = extendedL2 ? clusterSize / SUBCLUSTERS : clusterSize;
        this.refcountOrder = (int) header.refcountOrder;
        this.compressionType = header.compressionType;
        this.compressedSizeShift = compressedSizeShift(clusterBits);
        this.compressedSizeMask = (1L << (clusterBits - 8)) - 1;
        this.compressedOffsetMask = (1L << compressedSizeShift) - 1;
    }

    /** Start bit of the sector count in a compressed cluster descriptor: 62 - (cluster_bits - 8). */
    static int compressedSizeShift(int clusterBits) {
        return 62 - (clusterBits - 8);
    }

    /** Bytes of the virtual disk one L2 table maps. */
    long l2Coverage() {
        return (long) clusterSize * l2Entries;
    }

    /** L1 entries needed to map the whole virtual disk. */
    long requiredL1Entries() {
        return ceilDiv(virtualSize, l2Coverage());
    }

    /** Clusters the file occupies, counting a partly written last cluster. */
    long fileClusters() {
        return ceilDiv(fileSize, clusterSize);
    }

    /** {@code a / b} rounded up, for non-negative {@code a} and positive {@code b}. */
    static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    boolean clusterAligned(long offset) {
        return (offset & (clusterSize - 1)) == 0;
    }

    int refcountBits() {
        return 1 << refcountOrder;
    }

    /** Refcount entries in one refcount block. */
    long refcountBlockEntries() {
        return ((long) clusterSize * 8) >> refcountOrder;
    }

    /** Host offset of a compressed cluster's first byte (not aligned to anything). */
    long compressedOffset(long entry) {
        return entry & compressedOffsetMask;
    }

    /**
     * Bytes a compressed cluster's data may span: the sector holding its first byte plus the
     * additional sectors the descriptor counts, less the part of the first sector before it.
     */
    int compressedLength(long entry) {
        long sectors = ((entry >>> compressedSizeShift) & compressedSizeMask) + 1;
        return (int) (sectors * 512 - (compressedOffset(entry) & 511));
    }
}
