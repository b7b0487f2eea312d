package org.glanceconvert.format.qcow2;

import java.util.Set;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * The shape of a qcow2 image to write: version 3, refcount_order 4 (16-bit refcounts), no
 * extended L2, the cluster size and compression asked for. Also the format's size rules, so
 * impossible outputs are refused before anything is written.
 *
 * @param clusterBits log2 of the cluster size, 9 (512 B) to 21 (2 MiB)
 * @param compression the compression type recorded in the header
 * @param compress    whether clusters are compressed ({@code -c})
 */
public record Qcow2WriteSettings(int clusterBits, Qcow2Compression compression, boolean compress) {
    static final Set<String> OPTIONS = Set.of("cluster_size", "compression_type");
    static final int DEFAULT_CLUSTER_BITS = 16;
    static final int MIN_CLUSTER_BITS = 9;
    static final int MAX_CLUSTER_BITS = 21;
    /** qemu refuses L1 tables larger than this (QCOW_MAX_L1_SIZE). */
    static final long MAX_L1_BYTES = 32L << 20;
    /** qemu refuses refcount tables larger than this (QCOW_MAX_REFTABLE_SIZE). */
    static final long MAX_REFCOUNT_TABLE_BYTES = 8L << 20;
    /** Refcount entries are 16 bits (refcount_order 4). */
    static final int REFCOUNT_ORDER = 4;
    static final int MAX_REFCOUNT = 0xffff;
    /** The block layer counts in 512-byte sectors: virtual sizes are rounded up to one, as QEMU does. */
    static final int SECTOR = 512;

    /** Parses and checks the {@code -o} options and {@code -c}. */
    public static Qcow2WriteSettings from(WriteOptions options) throws ImageFormatException {
        options.requireOnly("qcow2", OPTIONS);
        long clusterSize = options.size("cluster_size", 1L << DEFAULT_CLUSTER_BITS);
        if (Long.bitCount(clusterSize) != 1 || clusterSize < (1L << MIN_CLUSTER_BITS)
                || clusterSize > (1L << MAX_CLUSTER_BITS)) {
            throw new ImageFormatException(Check.FORMAT_UNSUPPORTED, "qcow2 cluster_size must be a power of two"
                    + " from 512 to 2M, not " + options.get("cluster_size", ""));
        }
        Qcow2Compression compression = options.oneOf("qcow2", "compression_type", "zlib", "zlib", "zstd")
                .equals("zlib") ? Qcow2Compression.ZLIB : Qcow2Compression.ZSTD;
        return new Qcow2WriteSettings(Long.numberOfTrailingZeros(clusterSize), compression, options.compress());
    }

    public int clusterSize() {
        return 1 << clusterBits;
    }

    /** L2 entries per table (8 bytes each, one cluster). */
    public int l2Entries() {
        return clusterSize() / 8;
    }

    /** Refcount entries per refcount block (16 bits each, one cluster). */
    public int refcountEntries() {
        return clusterSize() * 8 / (1 << REFCOUNT_ORDER);
    }

    /** The virtual size written in the header: the source's, rounded up to a whole sector. */
    public long headerSize(long virtualSize) {
        return (virtualSize + SECTOR - 1) / SECTOR * SECTOR;
    }

    /** Entries of the L1 table for a virtual size. */
    public long l1Entries(long virtualSize) {
        long clusters = (headerSize(virtualSize) + clusterSize() - 1) >>> clusterBits;
        return (clusters + l2Entries() - 1) / l2Entries();
    }

    /** Clusters the L1 table occupies (none for an empty disk, whose L1 offset is 0 as qemu writes it). */
    public int l1Clusters(long virtualSize) {
        long bytes = l1Entries(virtualSize) * 8;
        return (int) ((bytes + clusterSize() - 1) >>> clusterBits);
    }

    /** Refuses a virtual size whose L1 table qemu would not open. */
    public void checkVirtualSize(long virtualSize) throws ImageFormatException {
        if (virtualSize < 0 || virtualSize > Long.MAX_VALUE - SECTOR) {
            throw new ImageFormatException(Check.LIMITS_VIRTUAL_SIZE, "virtual size " + virtualSize + " is out of range");
        }
        if (l1Entries(virtualSize) * 8 > MAX_L1_BYTES) {
            long max = (MAX_L1_BYTES / 8) * l2Entries() * (long) clusterSize();
            throw new ImageFormatException(Check.LIMITS_VIRTUAL_SIZE, "qcow2 with " + clusterSize()
                    + "-byte clusters holds at most " + max + " bytes (qemu's 32 MiB L1 table limit), the source has "
                    + virtualSize + "; choose a larger cluster_size");
        }
    }

    /** Bit position of the sector count in a compressed cluster descriptor. */
    int compressedOffsetBits() {
        return Qcow2Geometry.compressedSizeShift(clusterBits);
    }
}
