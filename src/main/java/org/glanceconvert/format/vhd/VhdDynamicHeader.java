package org.glanceconvert.format.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The 1024-byte dynamic disk header ("cxsparse", big-endian) of dynamic and differencing disks:
 * where the BAT is, how many entries it has, the block size, and the parent of a differencing disk.
 */
public final class VhdDynamicHeader extends ChecksummedStructure {
    public static final int SIZE = 1024;
    public static final byte[] COOKIE = "cxsparse".getBytes(StandardCharsets.US_ASCII);
    public static final int CHECKSUM_OFFSET = 36;
    public static final long UNUSED_ENTRY = 0xFFFFFFFFL;
    private static final int HEADER_VERSION = 0x00010000;
    private static final int LOCATORS_OFFSET = 576;
    private static final int LOCATOR_SIZE = 24;
    private static final int LOCATOR_COUNT = 8;

    /** One of the eight parent locator entries; only entries with a platform code are kept. */
    public record ParentLocator(String platformCode, long dataSpace, long dataLength, long dataOffset) {
    }

    private VhdDynamicHeader(byte[] bytes) {
        super(bytes, CHECKSUM_OFFSET);
    }

    /** The header of a disk without parent: BAT at {@code batOffset}, {@code entries} blocks of {@code blockSize}. */
    public static VhdDynamicHeader create(long batOffset, int entries, int blockSize) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(COOKIE);
        // The specification says 0xFFFFFFFF here, but Microsoft's tools expect all 64 bits set.
        b.putLong(-1L);
        b.putLong(batOffset);
        b.putInt(HEADER_VERSION);
        b.putInt(entries);
        b.putInt(blockSize);
        // Checksum, parent id, timestamp, name and locators stay zero: no parent.
        byte[] header = b.array();
        VhdChecksum.store(header, 0, SIZE, CHECKSUM_OFFSET);
        return new VhdDynamicHeader(header);
    }

    /** The 1024 header bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** True when {@code bytes} starts with the dynamic header cookie. */
    public static boolean hasCookie(byte[] bytes) {
        return bytes.length >= COOKIE.length && Arrays.equals(bytes, 0, COOKIE.length, COOKIE, 0, COOKIE.length);
    }

    /** Parses 1024 header bytes; the cookie must be there. */
    public static VhdDynamicHeader parse(byte[] raw) {
        if (raw.length != SIZE || !hasCookie(raw)) {
            throw new IllegalArgumentException("not a VHD dynamic disk header");
        }
        return new VhdDynamicHeader(raw.clone());
    }

    /** Absolute offset of the BAT. */
    public long tableOffset() {
        return be().getLong(16);
    }

    public long headerVersion() {
        return be().getInt(24) & 0xffffffffL;
    }

    public long maxTableEntries() {
        return be().getInt(28) & 0xffffffffL;
    }

    /** Bytes of virtual disk per block (2 MiB by default; a power of two). */
    public long blockSize() {
        return be().getInt(32) & 0xffffffffL;
    }

    /** Bytes of the sector bitmap in front of each block: one bit per sector, padded to a sector. */
    public long bitmapSize() {
        long bitmapBytes = (blockSize() / 512 + 7) / 8;
        return (bitmapBytes + 511) / 512 * 512;
    }

    /** The parent's name (UTF-16 big-endian, NUL-padded), empty when none. */
    public String parentName() {
        String name = new String(bytes, 64, 512, StandardCharsets.UTF_16BE);
        int nul = name.indexOf('\0');
        return nul < 0 ? name : name.substring(0, nul);
    }

    /** True when the parent unique id is not all zero. */
    public boolean hasParentId() {
        for (int i = 40; i < 56; i++) {
            if (bytes[i] != 0) {
                return true;
            }
        }
        return false;
    }

    /** The parent locator entries that name a platform (the others are unused). */
    public List<ParentLocator> parentLocators() {
        List<ParentLocator> locators = new ArrayList<>();
        ByteBuffer b = be();
        for (int i = 0; i < LOCATOR_COUNT; i++) {
            int at = LOCATORS_OFFSET + i * LOCATOR_SIZE;
            if (b.getInt(at) != 0) {
                locators.add(new ParentLocator(new String(bytes, at, 4, StandardCharsets.ISO_8859_1),
                        b.getInt(at + 4) & 0xffffffffL, b.getInt(at + 8) & 0xffffffffL, b.getLong(at + 16)));
            }
        }
        return locators;
    }
}
