package org.glanceconvert.format.qcow2;

import java.nio.charset.StandardCharsets;

/**
 * Named hostile and valid qcow2 files for the cross-format corpus (org.glanceconvert.hostile)
 * and the fuzz seeds, built with {@link CraftedQcow2}. Each method returns fresh bytes.
 */
public final class Qcow2Samples {
    private static final int CS = 65536;

    private Qcow2Samples() {
    }

    /** The crafted v3 image: 64 KiB clusters, data, zero, compressed and unallocated clusters. */
    public static byte[] valid() {
        return CraftedQcow2.standard().bytes;
    }

    /** The same layout with 512-byte clusters: a few KiB, for fuzz seeds and system areas. */
    public static byte[] validSmall() {
        return new CraftedQcow2(9, false).bytes;
    }

    /** Extended L2 entries (subclusters), 16 KiB clusters. */
    public static byte[] validExtendedL2() {
        return new CraftedQcow2(14, true).bytes;
    }

    /** A backing file name in the header; {@code name} may name a real file. */
    public static byte[] backingFile(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return CraftedQcow2.standard().put(0x400, bytes).putLong(8, 0x400).putInt(16, bytes.length).bytes;
    }

    /** The external data file bit, and the extension naming {@code name} (CVE-2024-32498). */
    public static byte[] dataFile(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        CraftedQcow2 c = CraftedQcow2.standard().putLong(72, Qcow2Header.INCOMPAT_DATA_FILE);
        c.putInt(CraftedQcow2.HEADER_LENGTH, HeaderExtensions.DATA_FILE)
                .putInt(CraftedQcow2.HEADER_LENGTH + 4, bytes.length)
                .put(CraftedQcow2.HEADER_LENGTH + 8, bytes);
        return c.bytes;
    }

    /** Incompatible feature bit 5, which no qcow2 version defines. */
    public static byte[] unknownIncompatibleBits() {
        return CraftedQcow2.standard().putLong(72, 1L << 5).bytes;
    }

    /** An L1 table of 2^20 entries (8 MiB: under the table limit) in a file of under 1 MiB. */
    public static byte[] l1LargerThanFile() {
        return CraftedQcow2.standard().putInt(36, 1 << 20).bytes;
    }

    /** An L2 entry whose compressed cluster starts inside the header cluster. */
    public static byte[] l2IntoHeader() {
        CraftedQcow2 c = CraftedQcow2.standard();
        return c.putL2(3, c.compressedEntry(100, c.compressedLength), 0).bytes;
    }

    /** An L2 entry whose data cluster is the refcount table's cluster. */
    public static byte[] l2IntoRefcountTable() {
        return CraftedQcow2.standard().putL2(5, Qcow2Geometry.COPIED | CS, 0).bytes;
    }

    /** An L2 entry whose data cluster lies 200 clusters past the end of the file. */
    public static byte[] l2PastEof() {
        return CraftedQcow2.standard().putL2(5, Qcow2Geometry.COPIED | 200L * CS, 0).bytes;
    }

    /** An L2 entry whose data cluster is the L2 table itself. */
    public static byte[] l2AtItsOwnTable() {
        return CraftedQcow2.standard().putL2(7, Qcow2Geometry.COPIED | 4L * CS, 0).bytes;
    }

    /** Two L2 entries, both marked COPIED (refcount 1), on one data cluster. */
    public static byte[] l2EntriesSharingACluster() {
        return CraftedQcow2.standard().putL2(1, Qcow2Geometry.COPIED | 5L * CS, 0).bytes;
    }

    /** A compressed cluster descriptor claiming 200 more sectors than the file has. */
    public static byte[] compressedPastEof() {
        CraftedQcow2 c = CraftedQcow2.standard();
        int shift = 62 - (c.clusterBits - 8);
        return c.putL2(3, Qcow2Geometry.COMPRESSED | (200L << shift) | c.compressedOffset, 0).bytes;
    }

    /** A compressed cluster whose deflate stream inflates to more than one cluster. */
    public static byte[] compressedInflatingPastCluster() {
        CraftedQcow2 c = CraftedQcow2.standard();
        byte[] deflated = CraftedQcow2.deflate(new byte[CS * 16]);
        return c.truncate((int) c.compressedOffset).put(c.compressedOffset, deflated)
                .putL2(3, c.compressedEntry(c.compressedOffset, deflated.length), 0).bytes;
    }

    /** The refcount table at offset 0, over the header. */
    public static byte[] refcountTableAtZero() {
        return CraftedQcow2.standard().putLong(48, 0).bytes;
    }

    /** A virtual size of 2^63 - 1. */
    public static byte[] virtualSizeMax() {
        return CraftedQcow2.standard().putLong(24, Long.MAX_VALUE).bytes;
    }

    /** An L1 table of 2^31 - 1 entries (16 GiB) claimed by the header. */
    public static byte[] hugeL1() {
        return CraftedQcow2.standard().putInt(36, Integer.MAX_VALUE).bytes;
    }
}
