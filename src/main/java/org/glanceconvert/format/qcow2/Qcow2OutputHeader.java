package org.glanceconvert.format.qcow2;

import java.nio.ByteBuffer;

/**
 * The first cluster of a written image: a version 3 header of 112 bytes (up to and including the
 * compression_type byte and its padding), then the end-of-extensions marker, then zeros. No
 * backing file, no encryption, no snapshots, no feature bits but "compression type" for zstd.
 */
final class Qcow2OutputHeader {
    private static final int MAGIC = 0x514649fb;
    private static final int VERSION = 3;
    private static final long INCOMPATIBLE_COMPRESSION_TYPE = 1L << 3;

    private Qcow2OutputHeader() {
    }

    /** The whole header cluster. */
    static ByteBuffer encode(Qcow2WriteSettings settings, long virtualSize, long l1Entries, long l1Offset,
                             long refcountTableOffset, int refcountTableClusters) {
        ByteBuffer b = ByteBuffer.allocateDirect(settings.clusterSize());
        b.putInt(0, MAGIC);
        b.putInt(4, VERSION);
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
        b.putLong(72, settings.compression() == Qcow2Compression.ZLIB ? 0 : INCOMPATIBLE_COMPRESSION_TYPE);
        b.putLong(80, 0); // compatible_features
        b.putLong(88, 0); // autoclear_features
        b.putInt(96, Qcow2WriteSettings.REFCOUNT_ORDER);
        b.putInt(100, Qcow2WriteSettings.HEADER_LENGTH);
        b.put(104, (byte) settings.compression().code());
        // bytes 105-111 padding, then the end-of-extensions marker (type 0, length 0): zeros
        return b;
    }
}
