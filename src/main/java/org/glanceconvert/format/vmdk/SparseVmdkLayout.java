package org.glanceconvert.format.vmdk;

import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * Grain geometry shared by both sparse subformats: 64 KiB grains, 512 entries per grain table,
 * 32-bit sector offsets in the tables (hence the 2 TiB ceiling of sparse VMDK).
 */
final class SparseVmdkLayout {
    static final int SECTOR = SparseExtentHeader.SECTOR;
    static final int GRAIN_SECTORS = 128;
    static final int GRAIN_BYTES = GRAIN_SECTORS * SECTOR;
    static final int GTES_PER_GT = SparseExtentHeader.GTES_PER_GT;
    static final int GT_SECTORS = SparseVmdk.GRAIN_TABLE_BYTES / SECTOR;
    /** Largest virtual size a sparse extent can describe. */
    static final long MAX_VIRTUAL_SIZE = 1L << 41;
    private static final long MAX_SECTOR_OFFSET = 0xFFFF_FFFFL;

    final long capacitySectors;
    final int grainTables;
    final long gdSectors;

    SparseVmdkLayout(long virtualSize) {
        this.capacitySectors = ceilDiv(virtualSize, SECTOR);
        long grains = ceilDiv(capacitySectors, GRAIN_SECTORS);
        this.grainTables = (int) ceilDiv(grains, GTES_PER_GT);
        this.gdSectors = ceilDiv(grainTables * 4L, SECTOR);
    }

    /** Which grain table covers the grain starting at virtual byte {@code offset}. */
    static int tableOf(long offset) {
        return (int) (offset / ((long) GRAIN_BYTES * GTES_PER_GT));
    }

    /** The entry within its grain table of the grain starting at virtual byte {@code offset}. */
    static int entryOf(long offset) {
        return (int) ((offset / GRAIN_BYTES) % GTES_PER_GT);
    }

    /** A file offset as the 32-bit sector number grain tables and directories store. */
    static int sectorEntry(long fileOffset) throws ImageFormatException {
        long sector = fileOffset / SECTOR;
        if (fileOffset % SECTOR != 0 || sector > MAX_SECTOR_OFFSET) {
            throw new ImageFormatException(Check.FORMAT_OUTPUT_LIMIT, "sparse VMDK output would grow past "
                    + "2 TiB, beyond what its 32-bit grain table entries can address");
        }
        return (int) sector;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    static long alignUp(long a, long alignment) {
        return ceilDiv(a, alignment) * alignment;
    }
}
