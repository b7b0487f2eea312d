package org.glanceconvert.format.qcow2;

import java.io.IOException;

/** The L1 and L2 table entries this writer produces, with the bits {@link Qcow2Geometry} defines. */
final class Qcow2TableEntries {
    private static final int SECTOR = 512;

    private Qcow2TableEntries() {
    }

    /** A standard cluster descriptor for a data cluster or an L2 table used only here. */
    static long allocated(long hostOffset) {
        return hostOffset | Qcow2Geometry.COPIED;
    }

    /**
     * A compressed cluster descriptor: the byte offset in the low {@code x = 62 - (cluster_bits - 8)}
     * bits, then the number of 512-byte sectors the data occupies beyond the one holding its first
     * byte.
     */
    static long compressed(long hostOffset, int length, Qcow2WriteSettings settings) throws IOException {
        int x = settings.compressedOffsetBits();
        if (hostOffset >= (1L << x)) {
            throw new IOException("compressed cluster at " + hostOffset + " is past the " + (1L << x)
                    + "-byte limit of qcow2 compressed offsets with " + settings.clusterSize() + "-byte clusters");
        }
        long additionalSectors = (hostOffset + length - 1) / SECTOR - hostOffset / SECTOR;
        if (additionalSectors >= (1L << (settings.clusterBits() - 8))) {
            throw new IllegalStateException("compressed length " + length + " too large for its descriptor");
        }
        return Qcow2Geometry.COMPRESSED | (additionalSectors << x) | hostOffset;
    }
}
