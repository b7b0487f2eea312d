package org.glanceconvert.format.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes the 512-byte hosted sparse extent header (VMware Virtual Disk Format 5.0, "Hosted
 * Sparse Extent Header"), little-endian. All offsets and sizes are in 512-byte sectors.
 */
public final class VmdkHeaderEncoder {
    public static final int SECTOR = 512;
    /** "KDMV" read as a little-endian integer. */
    public static final int MAGIC = 0x564d444b;
    public static final int FLAG_VALID_NEWLINE_TEST = 1;
    public static final int FLAG_REDUNDANT_GRAIN_TABLE = 1 << 1;
    public static final int FLAG_COMPRESSED_GRAINS = 1 << 16;
    public static final int FLAG_MARKERS = 1 << 17;
    public static final int COMPRESSION_NONE = 0;
    public static final int COMPRESSION_DEFLATE = 1;
    /** gdOffset meaning "the grain directory is found through the footer". */
    public static final long GD_AT_END = -1L;

    private VmdkHeaderEncoder() {
    }

    /** The header fields a writer chooses. */
    public record Fields(int version, int flags, long capacitySectors, long grainSectors,
                         long descriptorOffset, long descriptorSectors, int gtesPerGt,
                         long redundantGdOffset, long gdOffset, long overheadSectors,
                         int compressAlgorithm) {

        /** The same header pointing at a grain directory found later (the footer's copy). */
        public Fields withGdOffset(long offset) {
            return new Fields(version, flags, capacitySectors, grainSectors, descriptorOffset,
                    descriptorSectors, gtesPerGt, redundantGdOffset, offset, overheadSectors,
                    compressAlgorithm);
        }
    }

    /** The 512 bytes of {@code f}. */
    public static byte[] encode(Fields f) {
        ByteBuffer b = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC);
        b.putInt(f.version());
        b.putInt(f.flags());
        b.putLong(f.capacitySectors());
        b.putLong(f.grainSectors());
        b.putLong(f.descriptorOffset());
        b.putLong(f.descriptorSectors());
        b.putInt(f.gtesPerGt());
        b.putLong(f.redundantGdOffset());
        b.putLong(f.gdOffset());
        b.putLong(f.overheadSectors());
        b.put((byte) 0); // uncleanShutdown
        // The newline-detection bytes let a reader see whether a text transfer mangled the file.
        b.put((byte) '\n').put((byte) ' ').put((byte) '\r').put((byte) '\n');
        b.putShort((short) f.compressAlgorithm());
        return b.array();
    }
}
