package org.glanceconvert.format.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * The 512-byte hard disk footer every VHD carries (big-endian): at the end of the file, and for
 * dynamic and differencing disks also a copy at offset 0.
 */
public final class VhdFooter extends ChecksummedStructure {
    public static final int SIZE = 512;
    /** Some tools write the footer without its last (reserved) byte. */
    public static final int SHORT_SIZE = 511;
    public static final byte[] COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);
    public static final int CHECKSUM_OFFSET = 64;
    /** Data offset of a fixed disk: no further structure. */
    public static final long NO_DATA_OFFSET = 0xFFFFFFFFFFFFFFFFL;

    /** The largest geometry, 65535 cylinders x 16 heads x 255 sectors: a marker for "use current size". */
    public static final long MAX_GEOMETRY_SECTORS = 65535L * 16 * 255;
    /** 2040 GiB, the largest disk qemu (and Hyper-V) accept. */
    public static final long MAX_SECTORS = 0xff000000L;

    /**
     * The creator application of the footers glance-convert writes: qemu (and Hyper-V-style
     * readers) read it as "the size is current_size, exactly", unlike "qemu"/"vpc " whose size is
     * the CHS geometry rounded down.
     */
    public static final String CREATOR_APPLICATION = "qem2";
    /**
     * Creator applications known to write an exact current size, which qemu 7.2 then trusts
     * rather than the CHS geometry (see {@link #virtualSize()}).
     */
    private static final Set<String> CURRENT_SIZE_CREATORS = Set.of("win ", CREATOR_APPLICATION, "d2v ", "CTXS",
            "tap\0");
    private static final int FEATURES_RESERVED = 0x2;
    private static final int FORMAT_VERSION = 0x00010000;
    /** What qemu writes beside "qem2" (Virtual PC 2007's version). */
    private static final int CREATOR_VERSION = 0x00050003;
    private static final String CREATOR_HOST_OS = "Wi2k";

    /** Cylinders, heads and sectors per track. */
    public record Geometry(int cylinders, int heads, int sectorsPerTrack) {
        public long sectors() {
            return (long) cylinders * heads * sectorsPerTrack;
        }
    }

    /** Disk types of the footer's disk type field. */
    public enum DiskType {
        FIXED(2, "fixed"), DYNAMIC(3, "dynamic"), DIFFERENCING(4, "differencing");

        private final int code;
        private final String subformat;

        DiskType(int code, String subformat) {
            this.code = code;
            this.subformat = subformat;
        }

        public int code() {
            return code;
        }

        /** The name reported as {@code subformat}. */
        public String subformat() {
            return subformat;
        }

        /** The type of that code, or null for reserved or unknown codes. */
        public static DiskType of(long code) {
            for (DiskType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    private VhdFooter(byte[] bytes) {
        super(bytes, CHECKSUM_OFFSET);
    }

    /**
     * The footer of a disk glance-convert writes: {@code size} bytes as original and current
     * size, the specification's geometry for it, and creator {@link #CREATOR_APPLICATION}.
     *
     * @param timestamp seconds since 2000-01-01 00:00 UTC
     * @param uniqueId  16 bytes
     */
    public static VhdFooter create(DiskType type, long dataOffset, long size, int timestamp, byte[] uniqueId) {
        Geometry geometry = geometry(size / 512);
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(COOKIE);
        b.putInt(FEATURES_RESERVED);
        b.putInt(FORMAT_VERSION);
        b.putLong(dataOffset);
        b.putInt(timestamp);
        b.put(CREATOR_APPLICATION.getBytes(StandardCharsets.US_ASCII));
        b.putInt(CREATOR_VERSION);
        b.put(CREATOR_HOST_OS.getBytes(StandardCharsets.US_ASCII));
        b.putLong(size);
        b.putLong(size);
        b.putShort((short) geometry.cylinders());
        b.put((byte) geometry.heads());
        b.put((byte) geometry.sectorsPerTrack());
        b.putInt(type.code());
        b.putInt(0); // checksum, below
        b.put(uniqueId, 0, 16);
        b.put((byte) 0); // saved state
        byte[] footer = b.array();
        VhdChecksum.store(footer, 0, SIZE, CHECKSUM_OFFSET);
        return new VhdFooter(footer);
    }

    /**
     * The specification's CHS geometry for {@code totalSectors}: it may describe slightly less
     * than the disk, which is why the footers written here say to use current_size instead.
     */
    public static Geometry geometry(long totalSectors) {
        long sectors = Math.min(totalSectors, MAX_GEOMETRY_SECTORS);
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

    /** True when {@code bytes} holds the footer cookie at {@code offset}. */
    public static boolean hasCookie(byte[] bytes, int offset) {
        return bytes.length >= offset + COOKIE.length
                && Arrays.equals(bytes, offset, offset + COOKIE.length, COOKIE, 0, COOKIE.length);
    }

    /**
     * Parses a footer from 512 bytes, or from 511 (the short variant, whose missing last byte is
     * reserved and counts as zero). The cookie must be there.
     */
    public static VhdFooter parse(byte[] raw) {
        if ((raw.length != SIZE && raw.length != SHORT_SIZE) || !hasCookie(raw, 0)) {
            throw new IllegalArgumentException("not a VHD footer");
        }
        return new VhdFooter(Arrays.copyOf(raw, SIZE));
    }

    public long features() {
        return be().getInt(8) & 0xffffffffL;
    }

    public long formatVersion() {
        return be().getInt(12) & 0xffffffffL;
    }

    /** Absolute offset of the dynamic disk header, or {@link #NO_DATA_OFFSET}. */
    public long dataOffset() {
        return be().getLong(16);
    }

    /** The creator application, four characters such as {@code "qemu"} or {@code "win "}. */
    public String creatorApplication() {
        return new String(bytes, 28, 4, StandardCharsets.ISO_8859_1);
    }

    public long originalSize() {
        return be().getLong(40);
    }

    public long currentSize() {
        return be().getLong(48);
    }

    public int cylinders() {
        return be().getShort(56) & 0xffff;
    }

    public int heads() {
        return bytes[58] & 0xff;
    }

    public int sectorsPerTrack() {
        return bytes[59] & 0xff;
    }

    public long diskTypeCode() {
        return be().getInt(60) & 0xffffffffL;
    }

    /** The disk type, or null when the field holds a reserved or unknown value. */
    public DiskType diskType() {
        return DiskType.of(diskTypeCode());
    }

    /** Sectors described by the CHS geometry. */
    public long geometrySectors() {
        return (long) cylinders() * heads() * sectorsPerTrack();
    }

    /**
     * True when the virtual size comes from {@link #currentSize()} rather than the geometry.
     * Virtual PC sized disks by CHS, Hyper-V and later tools by current size; qemu 7.2 trusts the
     * current size only for the creators known to write it exactly, or when the geometry is the
     * maximum (a disk too large for CHS). Agreeing with qemu here is what keeps the virtual size
     * the same as Glance and Nova see it.
     */
    public boolean sizedByCurrentSize() {
        return CURRENT_SIZE_CREATORS.contains(creatorApplication()) || geometrySectors() == MAX_GEOMETRY_SECTORS;
    }

    /** Virtual size in sectors as qemu 7.2 computes it (may exceed {@link #MAX_SECTORS}: callers check). */
    public long virtualSectors() {
        return sizedByCurrentSize() ? Long.divideUnsigned(currentSize(), 512) : geometrySectors();
    }

    /** Virtual size in bytes, valid only when {@link #virtualSectors()} is within {@link #MAX_SECTORS}. */
    public long virtualSize() {
        return virtualSectors() * 512;
    }

    /** The 512 footer bytes as read (the short variant padded with a zero byte). */
    public byte[] bytes() {
        return bytes.clone();
    }
}
