package org.glanceconvert.format.vhdx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * The metadata region: a 64 KiB table of items, and the items this reader needs (file parameters,
 * virtual disk size, logical and physical sector size). Every item must lie inside the region,
 * after the table, without overlapping another; an unknown item marked required makes the file
 * unreadable by definition.
 */
public final class VhdxMetadata {
    public static final int TABLE_SIZE = 64 * 1024;
    public static final int MAX_ENTRIES = 2047;
    public static final long MAX_ITEM_LENGTH = 1 << 20;
    public static final byte[] SIGNATURE = "metadata".getBytes(StandardCharsets.US_ASCII);
    public static final VhdxGuid FILE_PARAMETERS = VhdxGuid.parse("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
    public static final VhdxGuid VIRTUAL_DISK_SIZE = VhdxGuid.parse("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
    public static final VhdxGuid VIRTUAL_DISK_ID = VhdxGuid.parse("BECA12AB-B2E6-4523-93EF-C309E000C746");
    public static final VhdxGuid LOGICAL_SECTOR_SIZE = VhdxGuid.parse("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
    public static final VhdxGuid PHYSICAL_SECTOR_SIZE = VhdxGuid.parse("CDA348C7-445D-4471-9CC9-E9885251C556");
    public static final VhdxGuid PARENT_LOCATOR = VhdxGuid.parse("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");
    public static final long MIN_BLOCK_SIZE = 1 << 20;
    public static final long MAX_BLOCK_SIZE = 256L << 20;
    public static final long MAX_VIRTUAL_SIZE = 64L << 40;
    private static final int HEADER_SIZE = 32;
    private static final int ENTRY_SIZE = 32;
    private static final int IS_USER = 1;
    private static final int IS_VIRTUAL_DISK = 1 << 1;
    private static final int IS_REQUIRED = 1 << 2;
    private static final int LEAVE_BLOCKS_ALLOCATED = 1;
    private static final int HAS_PARENT = 1 << 1;

    /** The items every VHDX must have, with the bytes each needs. */
    private static final Map<VhdxGuid, Integer> REQUIRED = Map.of(FILE_PARAMETERS, 8, VIRTUAL_DISK_SIZE, 8,
            VIRTUAL_DISK_ID, 16, LOGICAL_SECTOR_SIZE, 4, PHYSICAL_SECTOR_SIZE, 4);

    /** One metadata table entry; {@code offset} is relative to the start of the region. */
    public record Item(VhdxGuid id, long offset, long length, boolean user, boolean virtualDisk, boolean required) {
        public String name() {
            return id.equals(FILE_PARAMETERS) ? "file parameters"
                    : id.equals(VIRTUAL_DISK_SIZE) ? "virtual disk size"
                    : id.equals(VIRTUAL_DISK_ID) ? "virtual disk id"
                    : id.equals(LOGICAL_SECTOR_SIZE) ? "logical sector size"
                    : id.equals(PHYSICAL_SECTOR_SIZE) ? "physical sector size"
                    : id.equals(PARENT_LOCATOR) ? "parent locator" : "item " + id;
        }
    }

    private final List<Item> items;
    private final long blockSize;
    private final boolean leaveBlocksAllocated;
    private final boolean hasParent;
    private final long virtualDiskSize;
    private final long logicalSectorSize;
    private final long physicalSectorSize;

    private VhdxMetadata(List<Item> items, long blockSize, boolean leaveBlocksAllocated, boolean hasParent,
                         long virtualDiskSize, long logicalSectorSize, long physicalSectorSize) {
        this.items = items;
        this.blockSize = blockSize;
        this.leaveBlocksAllocated = leaveBlocksAllocated;
        this.hasParent = hasParent;
        this.virtualDiskSize = virtualDiskSize;
        this.logicalSectorSize = logicalSectorSize;
        this.physicalSectorSize = physicalSectorSize;
    }

    /**
     * The start of a metadata region as glance-convert writes it: the table, then after it the
     * five items every VHDX needs (file parameters, virtual disk size, page 83 data, logical and
     * physical sector size).
     *
     * @param leaveBlocksAllocated set for a fixed disk, whose payload blocks are all present
     * @param virtualDiskId        the disk's SCSI identity (page 83 data)
     */
    public static byte[] encode(long blockSize, boolean leaveBlocksAllocated, long virtualSize, VhdxGuid virtualDiskId,
                                int logicalSectorSize, int physicalSectorSize) {
        ByteBuffer b = ByteBuffer.allocate(TABLE_SIZE + 40).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SIGNATURE);
        b.putShort((short) 0);
        b.putShort((short) REQUIRED.size()); // entry count
        b.put(new byte[20]);
        int offset = TABLE_SIZE;
        offset = encodeItem(b, FILE_PARAMETERS, offset, 8, IS_REQUIRED);
        offset = encodeItem(b, VIRTUAL_DISK_SIZE, offset, 8, IS_VIRTUAL_DISK | IS_REQUIRED);
        offset = encodeItem(b, VIRTUAL_DISK_ID, offset, 16, IS_VIRTUAL_DISK | IS_REQUIRED);
        offset = encodeItem(b, LOGICAL_SECTOR_SIZE, offset, 4, IS_VIRTUAL_DISK | IS_REQUIRED);
        encodeItem(b, PHYSICAL_SECTOR_SIZE, offset, 4, IS_VIRTUAL_DISK | IS_REQUIRED);

        b.position(TABLE_SIZE);
        b.putInt(Math.toIntExact(blockSize));
        b.putInt(leaveBlocksAllocated ? LEAVE_BLOCKS_ALLOCATED : 0);
        b.putLong(virtualSize);
        b.put(virtualDiskId.bytes());
        b.putInt(logicalSectorSize);
        b.putInt(physicalSectorSize);
        return b.array();
    }

    /** Puts one table entry for an item at {@code offset}; returns where the next item goes. */
    private static int encodeItem(ByteBuffer b, VhdxGuid id, int offset, int length, int flags) {
        b.put(id.bytes());
        b.putInt(offset);
        b.putInt(length);
        b.putInt(flags);
        b.putInt(0);
        return offset + length;
    }

    /** Reads and checks the table and the known items of the metadata region. */
    public static VhdxMetadata read(ByteSource source, VhdxRegionTable.Region region) throws IOException {
        if (region.length() < TABLE_SIZE) {
            throw new ImageFormatException(Check.VHDX_METADATA, "the metadata region of " + region.length()
                    + " bytes cannot hold its 64 KiB table");
        }
        byte[] table = source.readBytes(region.fileOffset(), TABLE_SIZE);
        if (!Arrays.equals(table, 0, 8, SIGNATURE, 0, 8)) {
            throw new ImageFormatException(Check.VHDX_METADATA, "no 'metadata' signature at " + region.fileOffset());
        }
        ByteBuffer le = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        int count = le.getShort(10) & 0xffff;
        if (count > MAX_ENTRIES) {
            throw new ImageFormatException(Check.VHDX_METADATA, "the metadata table claims " + count
                    + " entries; at most " + MAX_ENTRIES + " fit");
        }
        List<Item> items = new ArrayList<>();
        Map<VhdxGuid, Item> known = new HashMap<>();
        for (int i = 0; i < count; i++) {
            int at = HEADER_SIZE + i * ENTRY_SIZE;
            int flags = le.getInt(at + 24);
            Item item = new Item(VhdxGuid.read(table, at), le.getInt(at + 16) & 0xffffffffL,
                    le.getInt(at + 20) & 0xffffffffL, (flags & IS_USER) != 0, (flags & IS_VIRTUAL_DISK) != 0,
                    (flags & IS_REQUIRED) != 0);
            checkPlacement(item, region, items);
            items.add(item);
            boolean isKnown = REQUIRED.containsKey(item.id()) || item.id().equals(PARENT_LOCATOR);
            if (isKnown && !item.user()) {
                if (known.put(item.id(), item) != null) {
                    throw new ImageFormatException(Check.VHDX_METADATA, "the metadata table lists the "
                            + item.name() + " twice");
                }
            } else if (item.required()) {
                throw new ImageFormatException(Check.VHDX_METADATA, "unknown metadata " + item.name()
                        + " is marked required: the file cannot be read without understanding it");
            }
        }
        for (Map.Entry<VhdxGuid, Integer> need : REQUIRED.entrySet()) {
            Item item = known.get(need.getKey());
            if (item == null) {
                throw new ImageFormatException(Check.VHDX_METADATA, "required metadata item "
                        + new Item(need.getKey(), 0, 0, false, false, true).name() + " is missing");
            }
            if (item.length() < need.getValue()) {
                throw new ImageFormatException(Check.VHDX_METADATA, "metadata " + item.name() + " is "
                        + item.length() + " bytes; it needs " + need.getValue());
            }
        }
        ByteBuffer params = value(source, region, known.get(FILE_PARAMETERS), 8);
        long blockSize = params.getInt(0) & 0xffffffffL;
        int paramFlags = params.getInt(4);
        long virtualSize = value(source, region, known.get(VIRTUAL_DISK_SIZE), 8).getLong(0);
        long logical = value(source, region, known.get(LOGICAL_SECTOR_SIZE), 4).getInt(0) & 0xffffffffL;
        long physical = value(source, region, known.get(PHYSICAL_SECTOR_SIZE), 4).getInt(0) & 0xffffffffL;

        if (Long.bitCount(blockSize) != 1 || blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
            throw new ImageFormatException(Check.VHDX_METADATA, "block size " + blockSize
                    + " is not a power of two from 1 MiB to 256 MiB");
        }
        if (logical != 512 && logical != 4096) {
            throw new ImageFormatException(Check.VHDX_METADATA, "logical sector size " + logical + " is not 512 or 4096");
        }
        if (physical != 512 && physical != 4096) {
            throw new ImageFormatException(Check.VHDX_METADATA, "physical sector size " + physical
                    + " is not 512 or 4096");
        }
        if (virtualSize < 0 || virtualSize > MAX_VIRTUAL_SIZE || virtualSize % logical != 0) {
            throw new ImageFormatException(Check.VHDX_METADATA, "virtual disk size "
                    + Long.toUnsignedString(virtualSize) + " is not a multiple of the " + logical
                    + "-byte sector up to 64 TiB");
        }
        return new VhdxMetadata(List.copyOf(items), blockSize, (paramFlags & LEAVE_BLOCKS_ALLOCATED) != 0,
                (paramFlags & HAS_PARENT) != 0,
                virtualSize, logical, physical);
    }

    private static void checkPlacement(Item item, VhdxRegionTable.Region region, List<Item> before)
            throws ImageFormatException {
        if (item.length() == 0) {
            if (item.offset() != 0) {
                throw new ImageFormatException(Check.VHDX_METADATA, "empty metadata " + item.name()
                        + " has offset " + item.offset() + " instead of 0");
            }
            return;
        }
        if (item.offset() < TABLE_SIZE || item.length() > MAX_ITEM_LENGTH
                || item.offset() + item.length() > region.length()) {
            throw new ImageFormatException(Check.VHDX_METADATA, "metadata " + item.name() + " at "
                    + item.offset() + " (" + item.length() + " bytes) is not inside the metadata region after its table");
        }
        for (Item other : before) {
            if (other.length() > 0 && item.offset() < other.offset() + other.length()
                    && other.offset() < item.offset() + item.length()) {
                throw new ImageFormatException(Check.VHDX_METADATA, "metadata " + item.name() + " at "
                        + item.offset() + " overlaps " + other.name() + " at " + other.offset());
            }
        }
    }

    private static ByteBuffer value(ByteSource source, VhdxRegionTable.Region region, Item item, int length)
            throws IOException {
        byte[] bytes = source.readBytes(region.fileOffset() + item.offset(), length);
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    public List<Item> items() {
        return items;
    }

    /** Bytes of virtual disk per payload block (1 MiB to 256 MiB). */
    public long blockSize() {
        return blockSize;
    }

    /** Set for fully provisioned ("fixed") files. */
    public boolean leaveBlocksAllocated() {
        return leaveBlocksAllocated;
    }

    /** Set for differencing files, whose content lives partly in a parent. */
    public boolean hasParent() {
        return hasParent;
    }

    /** True when a parent locator item is present. */
    public boolean hasParentLocator() {
        return items.stream().anyMatch(i -> i.id().equals(PARENT_LOCATOR) && !i.user());
    }

    public long virtualDiskSize() {
        return virtualDiskSize;
    }

    public long logicalSectorSize() {
        return logicalSectorSize;
    }

    public long physicalSectorSize() {
        return physicalSectorSize;
    }

    /**
     * Payload blocks per sector bitmap block: a 1 MiB bitmap block has a bit for each of 2^23
     * sectors.
     */
    public long chunkRatio() {
        return chunkRatio(logicalSectorSize, blockSize);
    }

    /** {@link #chunkRatio()} of a file with these sizes. */
    public static long chunkRatio(long logicalSectorSize, long blockSize) {
        return (1L << 23) * logicalSectorSize / blockSize;
    }
}
