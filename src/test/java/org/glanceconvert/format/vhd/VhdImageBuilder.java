package org.glanceconvert.format.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds VHD files byte by byte from the spec, for tests that need what qemu-img cannot make
 * (other block sizes, bitmaps with clear bits, parent locators) or a structure to break.
 */
final class VhdImageBuilder {
    static final int FOOTER_CHECKSUM = 64;
    static final int HEADER_CHECKSUM = 36;

    long virtualSize;
    int blockSize = 2 << 20;
    int diskType = 3;
    String creator = "qem2";
    int cylinders;
    int heads;
    int sectorsPerTrack;
    String parentName = "";
    /** Parent locator platform codes to put in the header ("W2ku", ...). */
    String[] locators = new String[0];
    /** Block index to its data (at most one block long; shorter data is zero-padded). */
    final Map<Integer, byte[]> blocks = new TreeMap<>();
    /** Block index to its sector bitmap; blocks without one get all bits set. */
    final Map<Integer, byte[]> bitmaps = new TreeMap<>();

    VhdImageBuilder(long virtualSize) {
        this.virtualSize = virtualSize;
        geometryOf(virtualSize);
    }

    /** Sets a geometry whose product is close to the size (exactness is not the point here). */
    VhdImageBuilder geometryOf(long size) {
        long sectors = size / 512;
        sectorsPerTrack = 17;
        heads = 4;
        cylinders = (int) Math.min(65535, sectors / (17 * 4));
        return this;
    }

    int bitmapSize() {
        int bytes = (blockSize / 512 + 7) / 8;
        return (bytes + 511) / 512 * 512;
    }

    int entries() {
        return (int) ((virtualSize + blockSize - 1) / blockSize);
    }

    static final int HEADER_OFFSET = 512;
    static final int BAT_OFFSET = 1536;

    int batBytes() {
        return (entries() * 4 + 511) / 512 * 512;
    }

    /** File offset of the n-th allocated block's bitmap, blocks stored in index order after the BAT. */
    long blockStart(int allocatedOrdinal) {
        return BAT_OFFSET + batBytes() + (long) allocatedOrdinal * (bitmapSize() + blockSize);
    }

    byte[] footer(long dataOffset) {
        ByteBuffer b = ByteBuffer.allocate(512);
        b.put("conectix".getBytes(StandardCharsets.US_ASCII));
        b.putInt(2);
        b.putInt(0x00010000);
        b.putLong(dataOffset);
        b.putInt(0);
        b.put(creator.getBytes(StandardCharsets.ISO_8859_1), 0, 4);
        b.putInt(0x00050003);
        b.put("Wi2k".getBytes(StandardCharsets.US_ASCII));
        b.putLong(virtualSize);
        b.putLong(virtualSize);
        b.putShort((short) cylinders);
        b.put((byte) heads);
        b.put((byte) sectorsPerTrack);
        b.putInt(diskType);
        b.putInt(0);
        b.put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        byte[] bytes = b.array();
        sealFooter(bytes, 0);
        return bytes;
    }

    byte[] header() {
        ByteBuffer b = ByteBuffer.allocate(1024);
        b.put("cxsparse".getBytes(StandardCharsets.US_ASCII));
        b.putLong(-1);
        b.putLong(BAT_OFFSET);
        b.putInt(0x00010000);
        b.putInt(entries());
        b.putInt(blockSize);
        b.putInt(0);
        byte[] name = parentName.getBytes(StandardCharsets.UTF_16BE);
        b.position(64);
        b.put(name, 0, Math.min(512, name.length));
        for (int i = 0; i < locators.length; i++) {
            b.position(576 + 24 * i);
            b.put(locators[i].getBytes(StandardCharsets.ISO_8859_1), 0, 4);
            b.putInt(512);
            b.putInt(20);
            b.putInt(0);
            b.putLong(4096);
        }
        byte[] bytes = b.array();
        sealHeader(bytes, 0);
        return bytes;
    }

    /** A dynamic (or, with diskType 4, differencing) disk. */
    byte[] dynamic() {
        int allocated = blocks.size();
        long size = blockStart(allocated) + 512;
        byte[] file = new byte[Math.toIntExact(size)];
        byte[] footer = footer(HEADER_OFFSET);
        System.arraycopy(footer, 0, file, 0, 512);
        System.arraycopy(header(), 0, file, HEADER_OFFSET, 1024);
        ByteBuffer bat = ByteBuffer.wrap(file, BAT_OFFSET, batBytes());
        for (int i = 0; i < entries(); i++) {
            bat.putInt(-1);
        }
        int ordinal = 0;
        for (Map.Entry<Integer, byte[]> block : blocks.entrySet()) {
            long start = blockStart(ordinal++);
            ByteBuffer.wrap(file).putInt(BAT_OFFSET + 4 * block.getKey(), (int) (start / 512));
            byte[] bitmap = bitmaps.get(block.getKey());
            if (bitmap == null) {
                Arrays.fill(file, (int) start, (int) start + bitmapSize(), (byte) 0xff);
            } else {
                System.arraycopy(bitmap, 0, file, (int) start, bitmap.length);
            }
            System.arraycopy(block.getValue(), 0, file, (int) start + bitmapSize(), block.getValue().length);
        }
        System.arraycopy(footer, 0, file, file.length - 512, 512);
        return file;
    }

    /** A fixed disk: {@code data} then the footer. */
    byte[] fixed(byte[] data) {
        diskType = 2;
        byte[] file = Arrays.copyOf(data, data.length + 512);
        System.arraycopy(footer(-1), 0, file, data.length, 512);
        return file;
    }

    /** Recomputes the footer checksum of the footer at {@code offset}. */
    static void sealFooter(byte[] file, int offset) {
        VhdChecksum.store(file, offset, 512, FOOTER_CHECKSUM);
    }

    /** Recomputes the dynamic header checksum of the header at {@code offset}. */
    static void sealHeader(byte[] file, int offset) {
        VhdChecksum.store(file, offset, 1024, HEADER_CHECKSUM);
    }

    /** Rewrites both footer copies of a dynamic disk after {@code edit} changed the first. */
    static void resealBothFooters(byte[] file) {
        sealFooter(file, 0);
        System.arraycopy(file, 0, file, file.length - 512, 512);
    }
}
