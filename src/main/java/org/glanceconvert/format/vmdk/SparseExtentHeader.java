package org.glanceconvert.format.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;

/**
 * The 512-byte SparseExtentHeader of a hosted sparse extent (VMware Virtual Disk Format 5.0),
 * little-endian. The same structure is the header at sector 0 and, in a stream-optimized extent
 * whose header says {@link #GD_AT_END}, the footer near the end of the file.
 *
 * <p>Parsing never fails on field values; {@link #validate} applies the rules. All sector counts
 * are unsigned on disk and kept as read (a huge value shows up negative here and is refused by
 * {@link #validate}).
 */
public record SparseExtentHeader(
        int version,
        int flags,
        long capacity,
        long grainSize,
        long descriptorOffset,
        long descriptorSize,
        int numGTEsPerGT,
        long rgdOffset,
        long gdOffset,
        long overHead,
        boolean uncleanShutdown,
        byte[] newlineCheck,
        int compressAlgorithm) {

    public static final int SIZE = 512;
    public static final int SECTOR = 512;
    /** "KDMV" as it appears in the file. */
    public static final int MAGIC_LE = 0x564d444b;

    public static final int FLAG_NEWLINE_TEST = 1;
    public static final int FLAG_REDUNDANT_GRAIN_TABLE = 1 << 1;
    public static final int FLAG_ZEROED_GRAIN_GTE = 1 << 2;
    public static final int FLAG_COMPRESSED = 1 << 16;
    public static final int FLAG_MARKERS = 1 << 17;
    static final int KNOWN_FLAGS = FLAG_NEWLINE_TEST | FLAG_REDUNDANT_GRAIN_TABLE
            | FLAG_ZEROED_GRAIN_GTE | FLAG_COMPRESSED | FLAG_MARKERS;

    /** gdOffset meaning "the grain directory offset is in the footer". */
    public static final long GD_AT_END = 0xffffffffffffffffL;
    public static final int COMPRESSION_NONE = 0;
    public static final int COMPRESSION_DEFLATE = 1;
    /** The only grain table size the specification allows. */
    public static final int GTES_PER_GT = 512;
    /** Largest grain accepted (sectors): 2 MiB, like the largest qcow2 cluster. */
    public static final long MAX_GRAIN_SECTORS = 4096;

    static final byte[] NEWLINE_CHECK = {'\n', ' ', '\r', '\n'};

    /** True when the first four bytes are the sparse magic "KDMV". */
    public static boolean hasMagic(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 'K' && bytes[1] == 'D' && bytes[2] == 'M' && bytes[3] == 'V';
    }

    /** Parses a header sector; throws only when the magic is not there. */
    public static SparseExtentHeader parse(byte[] sector) throws ImageFormatException {
        if (sector.length < SIZE || !hasMagic(sector)) {
            throw new ImageFormatException(Check.VMDK_HEADER, "no sparse extent header magic KDMV");
        }
        ByteBuffer b = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
        byte[] newline = new byte[4];
        b.get(73, newline);
        return new SparseExtentHeader(
                b.getInt(4), b.getInt(8), b.getLong(12), b.getLong(20), b.getLong(28), b.getLong(36),
                b.getInt(44), b.getLong(48), b.getLong(56), b.getLong(64), b.get(72) != 0, newline,
                Short.toUnsignedInt(b.getShort(77)));
    }

    /** The header as the 512 bytes that go on disk. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, MAGIC_LE).putInt(4, version).putInt(8, flags).putLong(12, capacity)
                .putLong(20, grainSize).putLong(28, descriptorOffset).putLong(36, descriptorSize)
                .putInt(44, numGTEsPerGT).putLong(48, rgdOffset).putLong(56, gdOffset)
                .putLong(64, overHead).put(72, (byte) (uncleanShutdown ? 1 : 0))
                .put(73, newlineCheck).putShort(77, (short) compressAlgorithm);
        return b.array();
    }

    /** A header with the usual newline check bytes and no unclean-shutdown mark. */
    public static SparseExtentHeader of(int version, int flags, long capacity, long grainSize,
                                        long descriptorOffset, long descriptorSize, long rgdOffset,
                                        long gdOffset, long overHead, int compressAlgorithm) {
        return new SparseExtentHeader(version, flags, capacity, grainSize, descriptorOffset, descriptorSize,
                GTES_PER_GT, rgdOffset, gdOffset, overHead, false, NEWLINE_CHECK.clone(), compressAlgorithm);
    }

    /** The same header with another grain directory offset (header vs footer). */
    public SparseExtentHeader withGdOffset(long offset) {
        return new SparseExtentHeader(version, flags, capacity, grainSize, descriptorOffset, descriptorSize,
                numGTEsPerGT, rgdOffset, offset, overHead, uncleanShutdown, newlineCheck, compressAlgorithm);
    }

    public boolean compressed() {
        return compressAlgorithm == COMPRESSION_DEFLATE;
    }

    public boolean hasMarkers() {
        return (flags & FLAG_MARKERS) != 0;
    }

    /** GTE value 1 means "reads as zero" only when this flag is set (version 2 and later). */
    public boolean zeroedGrainGtes() {
        return (flags & FLAG_ZEROED_GRAIN_GTE) != 0;
    }

    public boolean hasRedundantGrainDirectory() {
        return (flags & FLAG_REDUNDANT_GRAIN_TABLE) != 0 && rgdOffset != 0;
    }

    public boolean gdAtEnd() {
        return gdOffset == GD_AT_END;
    }

    /** Grain size in bytes; valid after {@link #validate}. */
    public int grainBytes() {
        return (int) (grainSize * SECTOR);
    }

    /** Virtual size in bytes; valid after {@link #validate}. */
    public long capacityBytes() {
        return capacity * SECTOR;
    }

    /** Bytes one grain table covers. */
    public long grainTableSpan() {
        return (long) GTES_PER_GT * grainBytes();
    }

    /** Number of grain directory entries needed to cover the capacity. */
    public long grainDirectoryEntries() {
        long span = GTES_PER_GT * grainSize;
        return Long.divideUnsigned(capacity, span) + (Long.remainderUnsigned(capacity, span) == 0 ? 0 : 1);
    }

    /** Number of grains covering the capacity (the last may be partial). */
    public long grainCount() {
        return capacity / grainSize + (capacity % grainSize == 0 ? 0 : 1);
    }

    /**
     * Applies the specification's rules to the fields that say how to read the extent: version,
     * grain and table geometry, compression. Locations (descriptor, directories) are checked by
     * the caller, which knows the file size.
     */
    public void validate(Limits limits) throws ImageFormatException {
        if (version < 1 || version > 3) {
            throw new ImageFormatException(Check.VMDK_HEADER,
                    "sparse extent version " + Integer.toUnsignedString(version) + " (only 1 to 3 exist)");
        }
        if ((flags & FLAG_NEWLINE_TEST) != 0 && !java.util.Arrays.equals(newlineCheck, NEWLINE_CHECK)) {
            throw new ImageFormatException(Check.VMDK_HEADER,
                    "the newline check bytes are damaged: the file was transferred in text mode");
        }
        if (capacity < 0 || capacity > Long.MAX_VALUE / SECTOR) {
            throw new ImageFormatException(Check.LIMITS_VIRTUAL_SIZE, "capacity of "
                    + Long.toUnsignedString(capacity) + " sectors exceeds the limit of "
                    + limits.maxVirtualSize() + " bytes");
        }
        limits.checkVirtualSize(capacityBytes());
        if (grainSize <= 0 || grainSize > MAX_GRAIN_SECTORS || Long.bitCount(grainSize) != 1) {
            throw new ImageFormatException(Check.VMDK_HEADER, "grain size of " + Long.toUnsignedString(grainSize)
                    + " sectors: it must be a power of two from 1 to " + MAX_GRAIN_SECTORS + " sectors");
        }
        if (numGTEsPerGT != GTES_PER_GT) {
            throw new ImageFormatException(Check.VMDK_HEADER, Integer.toUnsignedString(numGTEsPerGT)
                    + " entries per grain table (the format has " + GTES_PER_GT + ")");
        }
        if (compressAlgorithm != COMPRESSION_NONE && compressAlgorithm != COMPRESSION_DEFLATE) {
            throw new ImageFormatException(Check.VMDK_HEADER, "unknown compression algorithm " + compressAlgorithm);
        }
        boolean compressedFlag = (flags & FLAG_COMPRESSED) != 0;
        if (compressedFlag != compressed()) {
            throw new ImageFormatException(Check.VMDK_HEADER, "the compressed-grains flag and the compression"
                    + " algorithm disagree: tools would read the grains differently");
        }
        if (compressed() != hasMarkers()) {
            throw new ImageFormatException(Check.VMDK_HEADER, compressed()
                    ? "compressed grains without markers are not supported"
                    : "markers on uncompressed grains are not supported");
        }
        if (overHead < 0 || descriptorOffset < 0 || descriptorSize < 0) {
            throw new ImageFormatException(Check.VMDK_HEADER, "sector counts out of range");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseExtentHeader h && java.util.Arrays.equals(toBytes(), h.toBytes());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(toBytes());
    }
}
