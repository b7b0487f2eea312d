package org.glanceconvert.format.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Encodes the 1024-byte dynamic disk header ("cxsparse") of a dynamic VHD, big-endian. */
public final class VhdDynamicHeaderEncoder {
    public static final int SIZE = 1024;
    private static final int HEADER_VERSION = 0x00010000;
    private static final int CHECKSUM_OFFSET = 36;

    private VhdDynamicHeaderEncoder() {
    }

    /** A header for a disk without parent: BAT at {@code batOffset}, {@code entries} blocks of {@code blockSize}. */
    public static byte[] encode(long batOffset, int entries, int blockSize) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put("cxsparse".getBytes(StandardCharsets.US_ASCII));
        // The specification says 0xFFFFFFFF here, but Microsoft's tools expect all 64 bits set.
        b.putLong(-1L);
        b.putLong(batOffset);
        b.putInt(HEADER_VERSION);
        b.putInt(entries);
        b.putInt(blockSize);
        // Checksum, parent id, timestamp, name and locators stay zero: no parent.
        byte[] header = b.array();
        VhdChecksum.store(header, 0, SIZE, CHECKSUM_OFFSET);
        return header;
    }
}
