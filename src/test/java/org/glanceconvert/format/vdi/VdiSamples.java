package org.glanceconvert.format.vdi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Named hostile and valid VDI files for the cross-format corpus (org.glanceconvert.hostile) and
 * the fuzz seeds. Each method returns fresh bytes.
 */
public final class VdiSamples {
    private VdiSamples() {
    }

    /** The format tests' base image: four 1 MiB blocks, two stored, one free, one zero. */
    public static byte[] dynamic() {
        return VdiHostileTest.validImage();
    }

    /** The same layout in 512-byte blocks: under 2 KiB, for fuzz seeds. */
    public static byte[] dynamicSmall() {
        ByteBuffer b = ByteBuffer.wrap(java.util.Arrays.copyOf(VdiHostileTest.validImage(), 0x400 + 1024))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0x170, 4L * 512).putInt(0x178, 512);
        return b.array();
    }

    /** A block map that starts past the end of the file. */
    public static byte[] blockMapPastEof() {
        ByteBuffer b = ByteBuffer.wrap(VdiHostileTest.validImage()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x154, 0x400000);
        return b.array();
    }

    /** Three blocks allocated by the map in a file that stores two. */
    public static byte[] blockPastEof() {
        ByteBuffer b = ByteBuffer.wrap(VdiHostileTest.validImage()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x184, 3);
        b.putInt(0x200, 0).putInt(0x204, 2).putInt(0x208, 1).putInt(0x20c, -2);
        return b.array();
    }

    /** A block map of 2^30 - 1 entries (4 GiB) claimed by the header, for a disk of that many blocks. */
    public static byte[] hugeBlockMap() {
        ByteBuffer b = ByteBuffer.wrap(VdiHostileTest.validImage()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x180, 0x3fffffff).putInt(0x178, 512).putLong(0x170, 0x3fffffffL * 512);
        return b.array();
    }
}
