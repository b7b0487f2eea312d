package org.glanceconvert.format.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * The 512-byte hard disk footer every VHD carries (big-endian): at the end of the file, and for
 * dynamic and differencing disks also a copy at offset 0.
 */
public final class VhdFooter {
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
     * Creator applications known to write an exact current size, which qemu 7.2 then trusts
     * rather than the CHS geometry (see {@link #virtualSize()}).
     */
    private static final Set<String> CURRENT_SIZE_CREATORS = Set.of("win ", "qem2", "d2v ", "CTXS", "tap\0");

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

    private final byte[] bytes;

    private VhdFooter(byte[] bytes) {
        this.bytes = bytes;
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

    private ByteBuffer be() {
        return ByteBuffer.wrap(bytes);
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

    public int storedChecksum() {
        return be().getInt(CHECKSUM_OFFSET);
    }

    public int computedChecksum() {
        return VhdChecksum.compute(bytes, 0, SIZE, CHECKSUM_OFFSET);
    }

    public boolean checksumValid() {
        return storedChecksum() == computedChecksum();
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
