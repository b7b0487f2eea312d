package org.glanceconvert.format.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Encodes the markers of a stream-optimized sparse extent (VMware Virtual Disk Format 5.0). */
public final class VmdkMarkerEncoder {
    public static final int TYPE_END_OF_STREAM = 0;
    public static final int TYPE_GRAIN_TABLE = 1;
    public static final int TYPE_GRAIN_DIRECTORY = 2;
    public static final int TYPE_FOOTER = 3;
    /** Bytes of a grain marker before its compressed data: lba (8) and size (4). */
    public static final int GRAIN_MARKER_HEADER = 12;

    private VmdkMarkerEncoder() {
    }

    /**
     * A metadata marker: one sector saying that {@code sectors} sectors of the given type follow.
     * Its size field is 0, which is what tells it apart from a grain marker.
     */
    public static byte[] metadata(int type, long sectors) {
        ByteBuffer b = ByteBuffer.allocate(VmdkHeaderEncoder.SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(sectors);
        b.putInt(0);
        b.putInt(type);
        return b.array();
    }

    /** The 12 bytes that precede a compressed grain: its first sector and the compressed length. */
    public static byte[] grainHeader(long lbaSectors, int compressedLength) {
        ByteBuffer b = ByteBuffer.allocate(GRAIN_MARKER_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(lbaSectors);
        b.putInt(compressedLength);
        return b.array();
    }
}
