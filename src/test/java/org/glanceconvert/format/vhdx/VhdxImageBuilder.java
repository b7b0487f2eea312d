package org.glanceconvert.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds VHDX files byte by byte from MS-VHDX, for tests that need what qemu-img cannot make (a
 * log to replay, partially present blocks, unknown items) or a structure to break. Layout: header
 * section, log at 1 MiB, BAT at 2 MiB, metadata after it, then payload blocks, then bitmap blocks.
 */
final class VhdxImageBuilder {
    static final int MiB = 1 << 20;
    static final long LOG_OFFSET = MiB;
    static final int LOG_LENGTH = MiB;
    static final long BAT_OFFSET = 2L * MiB;

    /** An extra metadata item. */
    record ExtraItem(VhdxGuid id, int flags, byte[] data) {
    }

    /** An extra region table entry. */
    record ExtraRegion(VhdxGuid id, long offset, int length, boolean required) {
    }

    long virtualSize;
    /** Zero bytes appended after the blocks, room for extra regions. */
    int padding;
    int blockSize = MiB;
    int logicalSector = 512;
    boolean leaveAllocated;
    boolean hasParent;
    VhdxGuid logGuid = VhdxGuid.ZERO;
    final List<ExtraItem> extraItems = new ArrayList<>();
    final List<ExtraRegion> extraRegions = new ArrayList<>();
    /** Virtual block to its data: these blocks are fully present (or, with a state, that state). */
    final Map<Long, byte[]> blocks = new TreeMap<>();
    /** Virtual block to a payload state other than fully present; such blocks store data only if in {@link #blocks}. */
    final Map<Long, Integer> states = new TreeMap<>();
    /** Chunk to its sector bitmap block (1 MiB, zero-padded). */
    final Map<Long, byte[]> bitmaps = new TreeMap<>();

    VhdxImageBuilder(long virtualSize) {
        this.virtualSize = virtualSize;
    }

    long chunkRatio() {
        return (1L << 23) * logicalSector / blockSize;
    }

    long entries() {
        return VhdxBat.entryCount(virtualSize, blockSize, chunkRatio(), hasParent);
    }

    long batLength() {
        return Math.max(MiB, (entries() * 8 + MiB - 1) / MiB * MiB);
    }

    long metadataOffset() {
        return BAT_OFFSET + batLength();
    }

    long dataOffset() {
        return metadataOffset() + MiB;
    }

    /** File offset of the n-th stored payload block. */
    long blockOffset(int ordinal) {
        return dataOffset() + (long) ordinal * blockSize;
    }

    long payloadIndex(long block) {
        return block + block / chunkRatio();
    }

    long bitmapIndex(long chunk) {
        return chunk * (chunkRatio() + 1) + chunkRatio();
    }

    static long batEntryOffset(long index) {
        return BAT_OFFSET + index * 8;
    }

    byte[] build() {
        long size = blockOffset(blocks.size()) + (long) bitmaps.size() * MiB + padding;
        ByteBuffer f = ByteBuffer.wrap(new byte[Math.toIntExact(size)]).order(ByteOrder.LITTLE_ENDIAN);
        f.put(0, "vhdxfile".getBytes(StandardCharsets.US_ASCII));
        byte[] creator = "glance-convert tests".getBytes(StandardCharsets.UTF_16LE);
        f.put(8, creator);
        writeHeader(f, VhdxHeader.FIRST_OFFSET, 1);
        writeHeader(f, VhdxHeader.SECOND_OFFSET, 2);
        writeRegionTable(f, VhdxRegionTable.FIRST_OFFSET);
        writeRegionTable(f, VhdxRegionTable.SECOND_OFFSET);
        writeMetadata(f);

        int ordinal = 0;
        for (Map.Entry<Long, byte[]> block : blocks.entrySet()) {
            long offset = blockOffset(ordinal++);
            f.put(Math.toIntExact(offset), block.getValue());
            int state = states.getOrDefault(block.getKey(), VhdxBat.PAYLOAD_FULLY_PRESENT);
            f.putLong(Math.toIntExact(batEntryOffset(payloadIndex(block.getKey()))), offset | state);
        }
        for (Map.Entry<Long, Integer> state : states.entrySet()) {
            if (!blocks.containsKey(state.getKey())) {
                f.putLong(Math.toIntExact(batEntryOffset(payloadIndex(state.getKey()))), state.getValue());
            }
        }
        long bitmapOffset = blockOffset(blocks.size());
        for (Map.Entry<Long, byte[]> bitmap : bitmaps.entrySet()) {
            f.put(Math.toIntExact(bitmapOffset), bitmap.getValue());
            f.putLong(Math.toIntExact(batEntryOffset(bitmapIndex(bitmap.getKey()))), bitmapOffset | VhdxBat.BITMAP_PRESENT);
            bitmapOffset += MiB;
        }
        return f.array();
    }

    private void writeHeader(ByteBuffer f, long offset, long sequence) {
        int at = (int) offset;
        f.put(at, VhdxHeader.SIGNATURE);
        f.putLong(at + 8, sequence);
        f.put(at + 16, VhdxGuid.parse("11111111-2222-3333-4444-555555555555").bytes());
        f.put(at + 32, VhdxGuid.parse("66666666-7777-8888-9999-AAAAAAAAAAAA").bytes());
        f.put(at + 48, logGuid.bytes());
        f.putShort(at + 64, (short) 0);
        f.putShort(at + 66, (short) 1);
        f.putInt(at + 68, LOG_LENGTH);
        f.putLong(at + 72, LOG_OFFSET);
        seal(f.array(), at, VhdxHeader.SIZE);
    }

    private void writeRegionTable(ByteBuffer f, long offset) {
        int at = (int) offset;
        f.put(at, VhdxRegionTable.SIGNATURE);
        f.putInt(at + 8, 2 + extraRegions.size());
        int e = at + 16;
        e = regionEntry(f, e, VhdxRegionTable.BAT, BAT_OFFSET, batLength(), true);
        e = regionEntry(f, e, VhdxRegionTable.METADATA, metadataOffset(), MiB, true);
        for (ExtraRegion r : extraRegions) {
            e = regionEntry(f, e, r.id(), r.offset(), r.length(), r.required());
        }
        seal(f.array(), at, VhdxRegionTable.SIZE);
    }

    private static int regionEntry(ByteBuffer f, int at, VhdxGuid id, long offset, long length, boolean required) {
        f.put(at, id.bytes());
        f.putLong(at + 16, offset);
        f.putInt(at + 24, (int) length);
        f.putInt(at + 28, required ? 1 : 0);
        return at + 32;
    }

    private void writeMetadata(ByteBuffer f) {
        int region = Math.toIntExact(metadataOffset());
        f.put(region, VhdxMetadata.SIGNATURE);
        List<byte[]> ids = new ArrayList<>();
        List<Integer> flags = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        ByteBuffer params = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        params.putInt(blockSize).putInt((leaveAllocated ? 1 : 0) | (hasParent ? 2 : 0));
        add(ids, flags, values, VhdxMetadata.FILE_PARAMETERS, 4, params.array());
        add(ids, flags, values, VhdxMetadata.VIRTUAL_DISK_SIZE, 6, le8(virtualSize));
        add(ids, flags, values, VhdxMetadata.VIRTUAL_DISK_ID, 6, VhdxGuid.parse("0DDBA110-0000-4000-8000-000000000001").bytes());
        add(ids, flags, values, VhdxMetadata.LOGICAL_SECTOR_SIZE, 6, le4(logicalSector));
        add(ids, flags, values, VhdxMetadata.PHYSICAL_SECTOR_SIZE, 6, le4(4096));
        if (hasParent) {
            add(ids, flags, values, VhdxMetadata.PARENT_LOCATOR, 4, new byte[20]);
        }
        for (ExtraItem item : extraItems) {
            add(ids, flags, values, item.id(), item.flags(), item.data());
        }
        f.putShort(region + 10, (short) ids.size());
        int itemOffset = VhdxMetadata.TABLE_SIZE;
        for (int i = 0; i < ids.size(); i++) {
            int e = region + 32 + 32 * i;
            f.put(e, ids.get(i));
            f.putInt(e + 16, itemOffset);
            f.putInt(e + 20, values.get(i).length);
            f.putInt(e + 24, flags.get(i));
            f.put(region + itemOffset, values.get(i));
            itemOffset += values.get(i).length;
        }
    }

    private static void add(List<byte[]> ids, List<Integer> flags, List<byte[]> values, VhdxGuid id, int flag,
                            byte[] value) {
        ids.add(id.bytes());
        flags.add(flag);
        values.add(value);
    }

    private static byte[] le8(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] le4(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** Recomputes the CRC-32C (at +4) of the structure of {@code length} bytes at {@code offset}. */
    static void seal(byte[] file, int offset, int length) {
        VhdxChecksum.store(file, offset, length, 4);
    }

    /** Reseals both headers and both region tables after an edit. */
    static void sealAll(byte[] file) {
        seal(file, (int) VhdxHeader.FIRST_OFFSET, VhdxHeader.SIZE);
        seal(file, (int) VhdxHeader.SECOND_OFFSET, VhdxHeader.SIZE);
        seal(file, (int) VhdxRegionTable.FIRST_OFFSET, VhdxRegionTable.SIZE);
        seal(file, (int) VhdxRegionTable.SECOND_OFFSET, VhdxRegionTable.SIZE);
    }

    /**
     * Writes one log entry at the start of the log: one descriptor sector with a data descriptor,
     * and its data sector, with a correct CRC.
     */
    static void writeLogEntry(byte[] file, VhdxGuid guid, long sequence, long targetOffset) {
        ByteBuffer f = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) LOG_OFFSET;
        f.put(at, "loge".getBytes(StandardCharsets.US_ASCII));
        f.putInt(at + 8, 8192);
        f.putInt(at + 12, 0);
        f.putLong(at + 16, sequence);
        f.putInt(at + 24, 1);
        f.put(at + 32, guid.bytes());
        f.putLong(at + 48, file.length);
        f.putLong(at + 56, file.length);
        int d = at + 64;
        f.put(d, "desc".getBytes(StandardCharsets.US_ASCII));
        f.putLong(d + 16, targetOffset);
        f.putLong(d + 24, sequence);
        int data = at + 4096;
        f.put(data, "data".getBytes(StandardCharsets.US_ASCII));
        f.putInt(data + 4, (int) (sequence >>> 32));
        f.putInt(data + 4092, (int) sequence);
        seal(file, at, 8192);
    }
}
