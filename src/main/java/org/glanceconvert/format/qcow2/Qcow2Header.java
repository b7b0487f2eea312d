package org.glanceconvert.format.qcow2;

import static org.glanceconvert.format.qcow2.SourceReads.getInt;
import static org.glanceconvert.format.qcow2.SourceReads.getLong;

import java.nio.ByteBuffer;

/**
 * The fixed qcow2 header fields (qcow2.txt "Header"), exactly as stored: nothing here is trusted
 * yet. Unsigned 32-bit fields are widened to long so that range checks see their real value.
 */
final class Qcow2Header {
    static final int MAGIC = 0x514649fb; // "QFI\xfb"
    static final int V2_LENGTH = 72;
    static final int V3_MIN_LENGTH = 104;
    /** Enough bytes for every field this reader knows (compression_type ends at 105, padded). */
    static final int KNOWN_LENGTH = 112;

    static final long INCOMPAT_DIRTY = 1L;
    static final long INCOMPAT_CORRUPT = 1L << 1;
    static final long INCOMPAT_DATA_FILE = 1L << 2;
    static final long INCOMPAT_COMPRESSION_TYPE = 1L << 3;
    static final long INCOMPAT_EXTENDED_L2 = 1L << 4;
    static final long INCOMPAT_KNOWN = 0x1FL;
    static final long COMPAT_LAZY_REFCOUNTS = 1L;
    static final long AUTOCLEAR_BITMAPS = 1L;
    static final long AUTOCLEAR_RAW_DATA_FILE = 1L << 1;

    final int version;
    final long backingFileOffset;
    final long backingFileSize;
    final int clusterBits;
    final long size;
    final long cryptMethod;
    final long l1Size;
    final long l1TableOffset;
    final long refcountTableOffset;
    final long refcountTableClusters;
    final long nbSnapshots;
    final long snapshotsOffset;
    final long incompatibleFeatures;
    final long compatibleFeatures;
    final long autoclearFeatures;
    final long refcountOrder;
    final long headerLength;
    final int compressionType;

    /**
     * Parses the fields from the start of the file. {@code b} holds at least {@link #V2_LENGTH}
     * bytes, and for version 3 and later as many of the first {@link #KNOWN_LENGTH} as the file has.
     */
    Qcow2Header(byte[] b) {
        version = getInt(b, 4);
        backingFileOffset = getLong(b, 8);
        backingFileSize = getInt(b, 16) & 0xFFFF_FFFFL;
        clusterBits = getInt(b, 20);
        size = getLong(b, 24);
        cryptMethod = getInt(b, 32) & 0xFFFF_FFFFL;
        l1Size = getInt(b, 36) & 0xFFFF_FFFFL;
        l1TableOffset = getLong(b, 40);
        refcountTableOffset = getLong(b, 48);
        refcountTableClusters = getInt(b, 56) & 0xFFFF_FFFFL;
        nbSnapshots = getInt(b, 60) & 0xFFFF_FFFFL;
        snapshotsOffset = getLong(b, 64);
        if (version >= 3 && b.length >= V3_MIN_LENGTH) {
            incompatibleFeatures = getLong(b, 72);
            compatibleFeatures = getLong(b, 80);
            autoclearFeatures = getLong(b, 88);
            refcountOrder = getInt(b, 96) & 0xFFFF_FFFFL;
            headerLength = getInt(b, 100) & 0xFFFF_FFFFL;
            // Additional fields exist only below header_length; beyond it they read as zero.
            compressionType = headerLength > 104 && b.length > 104 ? b[104] & 0xFF : 0;
        } else {
            incompatibleFeatures = 0;
            compatibleFeatures = 0;
            autoclearFeatures = 0;
            refcountOrder = 4;
            headerLength = V2_LENGTH;
            compressionType = 0;
        }
    }

    /**
     * The first cluster of an image glance-convert writes: a version 3 header of
     * {@link #KNOWN_LENGTH} bytes (up to and including the compression_type byte and its padding),
     * then the end-of-extensions marker, then zeros. No backing file, no encryption, no snapshots,
     * no feature bit but "compression type" for zstd.
     */
    static ByteBuffer encode(Qcow2WriteSettings settings, long virtualSize, long l1Entries, long l1Offset,
                             long refcountTableOffset, int refcountTableClusters) {
        ByteBuffer b = ByteBuffer.allocateDirect(settings.clusterSize());
        b.putInt(0, MAGIC);
        b.putInt(4, 3); // version
        b.putLong(8, 0); // backing_file_offset
        b.putInt(16, 0); // backing_file_size
        b.putInt(20, settings.clusterBits());
        b.putLong(24, settings.headerSize(virtualSize));
        b.putInt(32, 0); // crypt_method
        b.putInt(36, Math.toIntExact(l1Entries));
        b.putLong(40, l1Offset);
        b.putLong(48, refcountTableOffset);
        b.putInt(56, refcountTableClusters);
        b.putInt(60, 0); // nb_snapshots
        b.putLong(64, 0); // snapshots_offset
        b.putLong(72, settings.compression() == Qcow2Compression.ZLIB ? 0 : INCOMPAT_COMPRESSION_TYPE);
        b.putLong(80, 0); // compatible_features
        b.putLong(88, 0); // autoclear_features
        b.putInt(96, Qcow2WriteSettings.REFCOUNT_ORDER);
        b.putInt(100, KNOWN_LENGTH);
        b.put(104, (byte) settings.compression().code());
        // bytes 105-111 padding, then the end-of-extensions marker (type 0, length 0): zeros
        return b;
    }

    int clusterSize() {
        return 1 << clusterBits;
    }

    boolean extendedL2() {
        return (incompatibleFeatures & INCOMPAT_EXTENDED_L2) != 0;
    }

    int refcountBits() {
        return 1 << refcountOrder;
    }
}
