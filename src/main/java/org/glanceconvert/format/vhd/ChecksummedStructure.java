package org.glanceconvert.format.vhd;

import java.nio.ByteBuffer;

/**
 * A VHD structure whose bytes carry the one's complement of their own byte sum (the footer and
 * the dynamic header), with the big-endian view its fields are read through.
 */
abstract class ChecksummedStructure {
    protected final byte[] bytes;
    private final int checksumOffset;

    protected ChecksummedStructure(byte[] bytes, int checksumOffset) {
        this.bytes = bytes;
        this.checksumOffset = checksumOffset;
    }

    protected final ByteBuffer be() {
        return ByteBuffer.wrap(bytes);
    }

    public final int storedChecksum() {
        return be().getInt(checksumOffset);
    }

    public final int computedChecksum() {
        return VhdChecksum.compute(bytes, 0, bytes.length, checksumOffset);
    }

    public final boolean checksumValid() {
        return storedChecksum() == computedChecksum();
    }
}
