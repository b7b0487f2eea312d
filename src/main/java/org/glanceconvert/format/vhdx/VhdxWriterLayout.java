package org.glanceconvert.format.vhdx;

import static org.glanceconvert.image.Limits.MiB;

/**
 * Where everything goes in a VHDX written by {@link VhdxWriter}, as QEMU places it: the
 * 1 MiB header section (file identifier, two headers, two region tables, where
 * {@link VhdxHeader} and {@link VhdxRegionTable} say), a 1 MiB log, the BAT, 1 MiB of metadata,
 * then payload blocks on 1 MiB boundaries.
 */
final class VhdxWriterLayout {
    static final long LOG_OFFSET = VhdxLayout.HEADER_SECTION_SIZE;
    static final int LOG_LENGTH = (int) MiB;
    static final long BAT_OFFSET = LOG_OFFSET + LOG_LENGTH;
    static final int METADATA_LENGTH = (int) MiB;
    static final int LOGICAL_SECTOR_SIZE = 512;
    static final int PHYSICAL_SECTOR_SIZE = 4096;

    final long virtualSize;
    final long blockSize;
    final long chunkRatio;
    final long payloadBlocks;
    final long batEntries;
    final long batLength;
    final long metadataOffset;
    final long dataOffset;

    /** @param virtualSize a multiple of the logical sector size */
    VhdxWriterLayout(long virtualSize, long blockSize) {
        this.virtualSize = virtualSize;
        this.blockSize = blockSize;
        this.chunkRatio = VhdxMetadata.chunkRatio(LOGICAL_SECTOR_SIZE, blockSize);
        this.payloadBlocks = (virtualSize + blockSize - 1) / blockSize;
        this.batEntries = VhdxBat.entryCount(virtualSize, blockSize, chunkRatio, false);
        this.batLength = Math.max(MiB, (batEntries * 8 + MiB - 1) / MiB * MiB);
        this.metadataOffset = BAT_OFFSET + batLength;
        this.dataOffset = metadataOffset + METADATA_LENGTH;
    }

    /** The BAT index of payload block {@code block}. */
    long batIndex(long block) {
        return VhdxBat.payloadIndex(block, chunkRatio);
    }

    /** QEMU's default block size for a disk of {@code virtualSize} bytes. */
    static long defaultBlockSize(long virtualSize) {
        if (virtualSize > 32L * 1024 * 1024 * MiB) {
            return 64 * MiB;
        } else if (virtualSize > 100L * 1024 * MiB) {
            return 32 * MiB;
        } else if (virtualSize > 1024 * MiB) {
            return 16 * MiB;
        }
        return 8 * MiB;
    }
}
