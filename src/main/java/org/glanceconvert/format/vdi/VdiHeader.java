package org.glanceconvert.format.vdi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.image.Check;

/**
 * The 512-byte VirtualBox VDI header (version 1.1), little endian: a 64-byte banner, the
 * signature at 0x40, then the fields below. Parsing never fails; {@link #problems} says what is
 * out of range.
 */
final class VdiHeader {
    static final int SIZE = 512;
    static final int SIGNATURE_OFFSET = 0x40;
    static final int SIGNATURE = 0xbeda107f;
    static final int VERSION_1_1 = 0x00010001;
    static final int SECTOR_SIZE = 512;
    /** Block map entries are 32-bit block numbers; VirtualBox caps the count so that
     * blocks * 4 fits in 32 bits. */
    static final long MAX_BLOCKS = 0x3fffffffL;
    /** A block never written: reads as zero. */
    static final int ENTRY_FREE = 0xffffffff;
    /** A block discarded to zeros. */
    static final int ENTRY_ZERO = 0xfffffffe;

    /** Image types from VirtualBox's VDIIMAGETYPE. */
    static final int TYPE_NORMAL = 1;
    static final int TYPE_FIXED = 2;
    static final int TYPE_UNDO = 3;
    static final int TYPE_DIFF = 4;

    /** The fixed fields that follow the signature and version (VDIHEADER1). */
    private static final int MIN_HEADER_SIZE = 0x180;
    private static final int PRE_HEADER_SIZE = 0x48;

    final int signature;
    final int version;
    final long headerSize;
    final int imageType;
    final long blockMapOffset;
    final long dataOffset;
    final long sectorSize;
    final long rawDiskSize;
    final long blockSize;
    final long blockExtra;
    final long blocksInImage;
    final long blocksAllocated;
    final boolean hasLinkUuid;
    final boolean hasParentUuid;

    private VdiHeader(ByteBuffer b) {
        signature = b.getInt(0x40);
        version = b.getInt(0x44);
        headerSize = u32(b, 0x48);
        imageType = b.getInt(0x4c);
        blockMapOffset = u32(b, 0x154);
        dataOffset = u32(b, 0x158);
        sectorSize = u32(b, 0x168);
        rawDiskSize = b.getLong(0x170);
        blockSize = u32(b, 0x178);
        blockExtra = u32(b, 0x17c);
        blocksInImage = u32(b, 0x180);
        blocksAllocated = u32(b, 0x184);
        hasLinkUuid = !zero(b, 0x1a8, 16);
        hasParentUuid = !zero(b, 0x1b8, 16);
    }

    static VdiHeader parse(byte[] sector) {
        return new VdiHeader(ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** True for undo and differencing images, and any image that names a parent. */
    boolean differencing() {
        return imageType == TYPE_UNDO || imageType == TYPE_DIFF || hasParentUuid || hasLinkUuid;
    }

    /** fixed, dynamic or differencing; null for an unknown image type. */
    String subformat() {
        if (differencing()) {
            return "differencing";
        }
        return switch (imageType) {
            case TYPE_NORMAL -> "dynamic";
            case TYPE_FIXED -> "fixed";
            default -> null;
        };
    }

    /**
     * The virtual size. VBoxManage convertfromraw can write sizes that are not whole sectors;
     * like qemu we round them up to the next sector. Negative when the field is absurd.
     */
    long diskSize() {
        if (rawDiskSize < 0 || rawDiskSize > Long.MAX_VALUE - SECTOR_SIZE) {
            return -1;
        }
        return (rawDiskSize + SECTOR_SIZE - 1) / SECTOR_SIZE * SECTOR_SIZE;
    }

    long blockMapBytes() {
        return blocksInImage * 4;
    }

    /**
     * Every header field that makes the image unreadable or unsafe. Block map placement
     * against the file is checked separately, after the table-size limit.
     */
    List<VdiProblem> problems() {
        List<VdiProblem> p = new ArrayList<>();
        if (version != VERSION_1_1) {
            p.add(new VdiProblem(Check.VDI_HEADER, "unsupported VDI version " + (version >>> 16) + "."
                    + (version & 0xffff) + " (only 1.1 is defined)"));
            return p; // the field layout below is only known for 1.1
        }
        if (differencing()) {
            p.add(new VdiProblem(Check.VDI_DIFFERENCING, differencingReason()));
        } else if (imageType != TYPE_NORMAL && imageType != TYPE_FIXED) {
            p.add(new VdiProblem(Check.VDI_HEADER, "unknown image type " + Integer.toUnsignedString(imageType)));
        }
        if (headerSize < MIN_HEADER_SIZE || PRE_HEADER_SIZE + headerSize > blockMapOffset) {
            p.add(new VdiProblem(Check.VDI_HEADER, "header size " + headerSize
                    + " is below " + MIN_HEADER_SIZE + " or runs into the block map at " + blockMapOffset));
        }
        if (sectorSize != SECTOR_SIZE) {
            p.add(new VdiProblem(Check.VDI_HEADER, "sector size " + sectorSize + " is not " + SECTOR_SIZE));
        }
        if (blockMapOffset % SECTOR_SIZE != 0 || dataOffset % SECTOR_SIZE != 0) {
            p.add(new VdiProblem(Check.VDI_HEADER, "block map offset " + blockMapOffset + " or data offset "
                    + dataOffset + " is not sector aligned"));
        }
        if (!saneBlockSize()) {
            p.add(new VdiProblem(Check.VDI_HEADER, "block size " + blockSize
                    + " is not a power of two between 512 bytes and 256 MiB"));
        }
        if (blockExtra != 0) {
            // VirtualBox would skip this many bytes before each block's data; qemu does not.
            p.add(new VdiProblem(Check.VDI_HEADER, "per-block extra data of " + blockExtra
                    + " bytes: tools disagree on where block data starts"));
        }
        if (blocksInImage > MAX_BLOCKS) {
            p.add(new VdiProblem(Check.VDI_HEADER, "block count " + blocksInImage + " exceeds " + MAX_BLOCKS));
        }
        if (blocksAllocated > blocksInImage) {
            p.add(new VdiProblem(Check.VDI_HEADER, blocksAllocated + " blocks allocated but the image has only "
                    + blocksInImage));
        }
        if (diskSize() < 0) {
            p.add(new VdiProblem(Check.VDI_HEADER, "disk size " + Long.toUnsignedString(rawDiskSize) + " is out of range"));
        } else if (saneBlockSize() && diskSize() > blocksInImage * blockSize) {
            p.add(new VdiProblem(Check.VDI_HEADER, "disk size " + diskSize() + " needs more than the "
                    + blocksInImage + " blocks of " + blockSize + " bytes the block map has"));
        }
        return p;
    }

    private String differencingReason() {
        if (imageType == TYPE_UNDO) {
            return "an undo image (its content depends on a parent image)";
        }
        if (imageType == TYPE_DIFF) {
            return "a differencing image (its content depends on a parent image)";
        }
        return "the header names a parent image (non-null " + (hasParentUuid ? "parent" : "link")
                + " UUID)";
    }

    private boolean saneBlockSize() {
        return blockSize >= SECTOR_SIZE && blockSize <= (256L << 20) && Long.bitCount(blockSize) == 1;
    }

    private static long u32(ByteBuffer b, int offset) {
        return Integer.toUnsignedLong(b.getInt(offset));
    }

    private static boolean zero(ByteBuffer b, int offset, int length) {
        for (int i = 0; i < length; i++) {
            if (b.get(offset + i) != 0) {
                return false;
            }
        }
        return true;
    }
}
