package org.glanceconvert.format.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the 512-byte VHD hard disk footer (Microsoft "Virtual Hard Disk Image Format
 * Specification"), big-endian, and the CHS geometry the specification derives from a size.
 */
public final class VhdFooterEncoder {
    public static final int SIZE = 512;
    public static final int TYPE_FIXED = 2;
    public static final int TYPE_DYNAMIC = 3;
    /** Data offset of a fixed disk: no further structure. */
    public static final long NO_DATA_OFFSET = -1L;
    /**
     * Read by qemu (and Hyper-V-style readers) as "the size is current_size, exactly", unlike
     * "qemu"/"vpc " whose size is the CHS geometry rounded down.
     */
    public static final String CREATOR_APPLICATION = "qem2";
    private static final int FEATURES_RESERVED = 0x2;
    private static final int FORMAT_VERSION = 0x00010000;
    /** What qemu writes beside "qem2" (Virtual PC 2007's version). */
    private static final int CREATOR_VERSION = 0x00050003;
    private static final String CREATOR_HOST_OS = "Wi2k";
    private static final int CHECKSUM_OFFSET = 64;

    private VhdFooterEncoder() {
    }

    /** Cylinders, heads and sectors per track. */
    public record Geometry(int cylinders, int heads, int sectorsPerTrack) {
        public long sectors() {
            return (long) cylinders * heads * sectorsPerTrack;
        }
    }

    /**
     * @param timestamp  seconds since 2000-01-01 00:00 UTC
     * @param uniqueId   16 bytes
     */
    public record Fields(long dataOffset, int timestamp, long originalSize, long currentSize,
                         Geometry geometry, int diskType, byte[] uniqueId) {
    }

    public static byte[] encode(Fields f) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put("conectix".getBytes(StandardCharsets.US_ASCII));
        b.putInt(FEATURES_RESERVED);
        b.putInt(FORMAT_VERSION);
        b.putLong(f.dataOffset());
        b.putInt(f.timestamp());
        b.put(CREATOR_APPLICATION.getBytes(StandardCharsets.US_ASCII));
        b.putInt(CREATOR_VERSION);
        b.put(CREATOR_HOST_OS.getBytes(StandardCharsets.US_ASCII));
        b.putLong(f.originalSize());
        b.putLong(f.currentSize());
        b.putShort((short) f.geometry().cylinders());
        b.put((byte) f.geometry().heads());
        b.put((byte) f.geometry().sectorsPerTrack());
        b.putInt(f.diskType());
        b.putInt(0); // checksum, below
        b.put(f.uniqueId(), 0, 16);
        b.put((byte) 0); // saved state
        byte[] footer = b.array();
        VhdChecksum.store(footer, 0, SIZE, CHECKSUM_OFFSET);
        return footer;
    }

    /**
     * The specification's CHS geometry for {@code totalSectors}: it may describe slightly less
     * than the disk, which is why the footer's creator says to use current_size instead.
     */
    public static Geometry geometry(long totalSectors) {
        long sectors = Math.min(totalSectors, 65535L * 16 * 255);
        int spt;
        int heads;
        long cylinderTimesHeads;
        if (sectors >= 65535L * 16 * 63) {
            spt = 255;
            heads = 16;
            cylinderTimesHeads = sectors / spt;
        } else {
            spt = 17;
            cylinderTimesHeads = sectors / spt;
            heads = (int) Math.max(4, (cylinderTimesHeads + 1023) / 1024);
            if (cylinderTimesHeads >= heads * 1024L || heads > 16) {
                spt = 31;
                heads = 16;
                cylinderTimesHeads = sectors / spt;
            }
            if (cylinderTimesHeads >= heads * 1024L) {
                spt = 63;
                heads = 16;
                cylinderTimesHeads = sectors / spt;
            }
        }
        return new Geometry((int) (cylinderTimesHeads / heads), heads, spt);
    }
}
