package org.glanceconvert.format.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A marker of a stream-optimized extent. Every marker starts on a sector boundary with a 64-bit
 * value and a 32-bit size. A grain marker has {@code size > 0}: the value is the grain's first
 * virtual sector (LBA) and {@code size} bytes of zlib data follow at byte 12. A metadata marker has
 * {@code size == 0}: the value is the number of sectors of metadata that follow the marker's
 * sector, and a 32-bit type follows.
 */
public record StreamMarker(long value, int size, int type) {

    /** Bytes before a grain's compressed data. */
    public static final int GRAIN_HEADER = 12;

    public static final int END_OF_STREAM = 0;
    public static final int GRAIN_TABLE = 1;
    public static final int GRAIN_DIRECTORY = 2;
    public static final int FOOTER = 3;

    /**
     * Parses the marker at {@code offset}: 12 bytes for a grain marker, 16 for a metadata marker
     * (a metadata marker cut short reads as type -1).
     */
    public static StreamMarker parse(byte[] bytes, int offset) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long value = b.getLong(offset);
        int size = b.getInt(offset + 8);
        int type = size == 0 && bytes.length >= offset + 16 ? b.getInt(offset + 12) : -1;
        return new StreamMarker(value, size, type);
    }

    /** True for a metadata marker of the given type. */
    public boolean isMetadata(int wantedType) {
        return size == 0 && type == wantedType;
    }

    /**
     * True when a metadata marker's sector count fits metadata of {@code sectors} sectors. Some
     * writers leave the count 0; nothing is read by it, so 0 is accepted, but a count too small
     * for the metadata (or absurdly large) is not.
     */
    public boolean covers(long sectors) {
        return value == 0 || (value >= sectors && value <= sectors + 1024);
    }

    /** A metadata marker as the sector that goes on disk. */
    public static byte[] metadataSector(long sectors, int type) {
        ByteBuffer b = ByteBuffer.allocate(SparseExtentHeader.SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, sectors).putInt(8, 0).putInt(12, type);
        return b.array();
    }

    /** The 12 bytes before a compressed grain's data. */
    public static byte[] grainHeader(long lba, int compressedSize) {
        ByteBuffer b = ByteBuffer.allocate(GRAIN_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, lba).putInt(8, compressedSize);
        return b.array();
    }

    /** Unsigned compressed size of a grain marker. */
    public long compressedSize() {
        return Integer.toUnsignedLong(size);
    }

    @Override
    public String toString() {
        return size != 0 ? "grain marker (LBA " + value + ", " + compressedSize() + " bytes)"
                : "metadata marker (type " + type + ", " + value + " sectors)";
    }
}
