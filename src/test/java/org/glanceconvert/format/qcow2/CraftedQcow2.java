package org.glanceconvert.format.qcow2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.glanceconvert.image.MemoryByteSource;

/**
 * A small, valid qcow2 v3 image written byte by byte from the specification, for tests to break
 * one field at a time. Layout (one cluster each): header, refcount table, refcount block, L1
 * table, L2 table, data of guest clusters 0 and 1; guest cluster 2 is a zero cluster; guest
 * cluster 3 is compressed (raw deflate) and its bytes end the file mid-cluster; the other guest
 * clusters of the 16 are unallocated.
 */
final class CraftedQcow2 {
    static final int HEADER_LENGTH = 112;
    static final int GUEST_CLUSTERS = 16;

    final int clusterBits;
    final int clusterSize;
    final boolean extendedL2;
    final byte[] expected;
    byte[] bytes;
    final long compressedOffset;
    final int compressedLength;

    CraftedQcow2(int clusterBits, boolean extendedL2) {
        this.clusterBits = clusterBits;
        this.clusterSize = 1 << clusterBits;
        this.extendedL2 = extendedL2;
        int cs = clusterSize;
        expected = new byte[GUEST_CLUSTERS * cs];
        for (int i = 0; i < cs; i++) {
            expected[i] = (byte) (i * 7 + 1);
        }
        byte[] random = new byte[cs];
        new Random(42).nextBytes(random);
        System.arraycopy(random, 0, expected, cs, cs);
        byte[] text = compressibleCluster(cs);
        System.arraycopy(text, 0, expected, 3 * cs, cs);
        byte[] deflated = deflate(text);
        compressedOffset = 7L * cs + 64; // deliberately not sector aligned
        compressedLength = deflated.length;

        bytes = new byte[(int) (compressedOffset + deflated.length)];
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.putInt(0, Qcow2Header.MAGIC).putInt(4, 3).putInt(20, clusterBits).putLong(24, expected.length)
                .putInt(36, 1).putLong(40, 3L * cs).putLong(48, cs).putInt(56, 1)
                .putLong(72, extendedL2 ? Qcow2Header.INCOMPAT_EXTENDED_L2 : 0)
                .putInt(96, 4).putInt(100, HEADER_LENGTH);
        b.putLong(cs, 2L * cs); // refcount table -> block
        for (int c = 0; c <= 7; c++) {
            b.putShort(2 * cs + 2 * c, (short) 1);
        }
        b.putLong(3 * cs, Qcow2Geometry.COPIED | 4L * cs); // L1 -> L2
        putL2(0, Qcow2Geometry.COPIED | 5L * cs, extendedL2 ? 0xFFFF_FFFFL : 0);
        putL2(1, Qcow2Geometry.COPIED | 6L * cs, extendedL2 ? 0xFFFF_FFFFL : 0);
        if (extendedL2) {
            putL2(2, 0, 0xFFFF_FFFF_0000_0000L);
        } else {
            putL2(2, Qcow2Geometry.ZERO, 0);
        }
        putL2(3, compressedEntry(compressedOffset, deflated.length), 0);
        System.arraycopy(expected, 0, bytes, 5 * cs, cs);
        System.arraycopy(expected, cs, bytes, 6 * cs, cs);
        System.arraycopy(deflated, 0, bytes, (int) compressedOffset, deflated.length);
    }

    static CraftedQcow2 standard() {
        return new CraftedQcow2(16, false);
    }

    /** Bytes that compress well but not to nothing: cycling text. */
    static byte[] compressibleCluster(int size) {
        byte[] text = "glance-convert reads qcow2 from the specification. ".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = text[(i + i / 4096) % text.length];
        }
        return out;
    }

    static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** A compressed cluster descriptor for {@code length} bytes at {@code offset}. */
    long compressedEntry(long offset, int length) {
        int shift = 62 - (clusterBits - 8);
        long sectors = ((offset + length - 1) >> 9) - (offset >> 9);
        return Qcow2Geometry.COMPRESSED | (sectors << shift) | offset;
    }

    long l2EntryPosition(int guestCluster) {
        return 4L * clusterSize + (long) guestCluster * (extendedL2 ? 16 : 8);
    }

    CraftedQcow2 putL2(int guestCluster, long entry, long bitmap) {
        putLong(l2EntryPosition(guestCluster), entry);
        if (extendedL2) {
            putLong(l2EntryPosition(guestCluster) + 8, bitmap);
        }
        return this;
    }

    CraftedQcow2 putLong(long at, long value) {
        ensure(at + 8);
        ByteBuffer.wrap(bytes).putLong((int) at, value);
        return this;
    }

    CraftedQcow2 putInt(long at, int value) {
        ensure(at + 4);
        ByteBuffer.wrap(bytes).putInt((int) at, value);
        return this;
    }

    CraftedQcow2 put(long at, byte[] data) {
        ensure(at + data.length);
        System.arraycopy(data, 0, bytes, (int) at, data.length);
        return this;
    }

    /** Sets the stored refcount of host cluster {@code cluster} (16-bit, in the one block). */
    CraftedQcow2 refcount(int cluster, int value) {
        ByteBuffer.wrap(bytes).putShort(2 * clusterSize + 2 * cluster, (short) value);
        return this;
    }

    /** Appends a cluster of {@code data} at the next cluster boundary; returns its offset. */
    long appendCluster(byte[] data) {
        long at = ((bytes.length + clusterSize - 1L) / clusterSize) * clusterSize;
        ensure(at + clusterSize);
        System.arraycopy(data, 0, bytes, (int) at, Math.min(data.length, clusterSize));
        return at;
    }

    CraftedQcow2 truncate(int length) {
        bytes = Arrays.copyOf(bytes, length);
        return this;
    }

    private void ensure(long length) {
        if (length > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) length);
        }
    }

    MemoryByteSource source() {
        return new MemoryByteSource("crafted.qcow2", bytes.clone());
    }
}
