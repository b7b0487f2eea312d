package org.glanceconvert.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the metadata region (MS-VHDX 2.6): the table, then at 64 KiB the five items every
 * VHDX needs — file parameters, virtual disk size, page 83 data, logical and physical sector size.
 */
public final class VhdxMetadataEncoder {
    private static final int ITEMS_OFFSET = 64 * 1024;
    private static final int IS_VIRTUAL_DISK = 1 << 1;
    private static final int IS_REQUIRED = 1 << 2;
    private static final int LEAVE_BLOCKS_ALLOCATED = 1;

    private VhdxMetadataEncoder() {
    }

    /**
     * The table and the items, to be written at the start of the metadata region.
     *
     * @param fixed      sets LeaveBlocksAllocated (every payload block is present)
     * @param page83Id   16 on-disk bytes: the disk's SCSI identity
     */
    public static byte[] encode(long blockSize, boolean fixed, long virtualSize, byte[] page83Id,
                                int logicalSectorSize, int physicalSectorSize) {
        ByteBuffer b = ByteBuffer.allocate(ITEMS_OFFSET + 40).order(ByteOrder.LITTLE_ENDIAN);
        b.put("metadata".getBytes(StandardCharsets.US_ASCII));
        b.putShort((short) 0);
        b.putShort((short) 5); // entry count
        b.put(new byte[20]);
        int offset = ITEMS_OFFSET;
        offset = entry(b, VhdxMetadata.FILE_PARAMETERS, offset, 8, IS_REQUIRED);
        offset = entry(b, VhdxMetadata.VIRTUAL_DISK_SIZE, offset, 8, IS_VIRTUAL_DISK | IS_REQUIRED);
        offset = entry(b, VhdxMetadata.VIRTUAL_DISK_ID, offset, 16, IS_VIRTUAL_DISK | IS_REQUIRED);
        offset = entry(b, VhdxMetadata.LOGICAL_SECTOR_SIZE, offset, 4, IS_VIRTUAL_DISK | IS_REQUIRED);
        entry(b, VhdxMetadata.PHYSICAL_SECTOR_SIZE, offset, 4, IS_VIRTUAL_DISK | IS_REQUIRED);

        b.position(ITEMS_OFFSET);
        b.putInt(Math.toIntExact(blockSize));
        b.putInt(fixed ? LEAVE_BLOCKS_ALLOCATED : 0);
        b.putLong(virtualSize);
        b.put(page83Id, 0, 16);
        b.putInt(logicalSectorSize);
        b.putInt(physicalSectorSize);
        return b.array();
    }

    private static int entry(ByteBuffer b, VhdxGuid guid, int offset, int length, int flags) {
        b.put(guid.bytes());
        b.putInt(offset);
        b.putInt(length);
        b.putInt(flags);
        b.putInt(0);
        return offset + length;
    }
}
