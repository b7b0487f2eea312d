package org.glanceconvert.format.vhdx;

/**
 * Where everything goes in a VHDX written by {@link VhdxWriter}, as qemu-img places it: the
 * 1 MiB header section (file identifier, two headers, two region tables), a 1 MiB log, the BAT,
 * 1 MiB of metadata, then payload blocks on 1 MiB boundaries.
 */
public final class VhdxWriterLayout {
    public static final long KiB = 1024;
    public static final long MiB = 1024 * KiB;
    public static final long FILE_IDENTIFIER_OFFSET = 0;
    public static final long HEADER1_OFFSET = 64 * KiB;
    public static final long HEADER2_OFFSET = 128 * KiB;
    public static final long REGION_TABLE1_OFFSET = 192 * KiB;
    public static final long REGION_TABLE2_OFFSET = 256 * KiB;
    public static final long LOG_OFFSET = MiB;
    public static final int LOG_LENGTH = (int) MiB;
    public static final long BAT_OFFSET = LOG_OFFSET + LOG_LENGTH;
    public static final int METADATA_LENGTH = (int) MiB;
    public static final int LOGICAL_SECTOR_SIZE = 512;
    public static final int PHYSICAL_SECTOR_SIZE = 4096;
    public static final long MIN_BLOCK_SIZE = MiB;
    public static final long MAX_BLOCK_SIZE = 256 * MiB;
    /** MS-VHDX's maximum virtual disk size. */
    public static final long MAX_VIRTUAL_SIZE = 64 * 1024 * 1024 * MiB;

    final long virtualSize;
    final long blockSize;
    /** Payload blocks per sector bitmap block: 2^23 sectors' bitmap fits one 1 MiB bitmap block. */
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
        this.chunkRatio = (1L << 23) * LOGICAL_SECTOR_SIZE / blockSize;
        this.payloadBlocks = (virtualSize + blockSize - 1) / blockSize;
        // Without a parent the last chunk needs no trailing sector bitmap entry.
        this.batEntries = payloadBlocks == 0 ? 0 : payloadBlocks + (payloadBlocks - 1) / chunkRatio;
        this.batLength = Math.max(MiB, (batEntries * 8 + MiB - 1) / MiB * MiB);
        this.metadataOffset = BAT_OFFSET + batLength;
        this.dataOffset = metadataOffset + METADATA_LENGTH;
    }

    /** The BAT index of payload block {@code block}: a sector bitmap entry follows every chunk. */
    long batIndex(long block) {
        return block + block / chunkRatio;
    }

    /** qemu-img's default block size for a disk of {@code virtualSize} bytes. */
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
