package org.glanceconvert.format.raw;

import java.util.Random;

/**
 * Raw disks hiding another format, for the cross-format corpus (org.glanceconvert.hostile), built
 * with {@link PartitionedDisks}. Each method returns fresh bytes.
 */
public final class RawSamples {
    private static final int MiB = 1 << 20;

    private RawSamples() {
    }

    /** An ISO 9660 image whose system area (the first 32 KiB) starts with {@code header}. */
    public static byte[] isoWithHeaderInSystemArea(byte[] iso, byte[] header) {
        byte[] out = iso.clone();
        System.arraycopy(header, 0, out, 0, Math.min(header.length, 32 * 1024));
        return out;
    }

    /** A 4 MiB MBR disk whose first partition (at 1 MiB) starts with {@code image}. */
    public static byte[] mbrWithImageInFirstPartition(byte[] image) {
        byte[] disk = PartitionedDisks.mbrDisk(4 * MiB, PartitionedDisks.MbrEntry.of(0x83, 2048, 4096));
        System.arraycopy(image, 0, disk, MiB, Math.min(image.length, 3 * MiB));
        return disk;
    }

    /** A 64 KiB MBR disk with two partitions, the first holding a few random bytes. */
    public static byte[] mbrDiskSmall() {
        byte[] data = new byte[512];
        new Random(10).nextBytes(data);
        return mbrDiskSmall(data);
    }

    /** A 64 KiB MBR disk with two partitions, the first (LBA 1, 63 sectors) starting with {@code data}. */
    public static byte[] mbrDiskSmall(byte[] data) {
        byte[] disk = PartitionedDisks.mbrDisk(64 * 1024, PartitionedDisks.MbrEntry.of(0x83, 1, 63),
                PartitionedDisks.MbrEntry.of(0x07, 64, 64));
        System.arraycopy(data, 0, disk, 512, Math.min(data.length, 63 * 512));
        return disk;
    }

    /** A 64 KiB GPT disk (512-byte sectors) with two partitions. */
    public static byte[] gptDiskSmall() {
        return new PartitionedDisks.Gpt(512, 128).partition(34, 63).partition(64, 94).build();
    }

    /** A 4 MiB MBR disk with one Linux partition of pseudo-random data: plain raw. */
    public static byte[] mbrDisk() {
        byte[] disk = PartitionedDisks.mbrDisk(4 * MiB, PartitionedDisks.MbrEntry.of(0x83, 2048, 4096));
        byte[] data = new byte[64 * 1024];
        new Random(9).nextBytes(data);
        System.arraycopy(data, 0, disk, MiB, data.length);
        return disk;
    }
}
