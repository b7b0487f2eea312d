package org.glanceconvert.format.raw;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/** Builds partitioned disks in memory, field by field from the MBR layout and the UEFI GPT chapter. */
final class PartitionedDisks {
    private PartitionedDisks() {
    }

    /** One MBR entry. */
    record MbrEntry(int boot, int type, long startLba, long sectors) {
        static MbrEntry of(int type, long startLba, long sectors) {
            return new MbrEntry(0, type, startLba, sectors);
        }
    }

    /** Writes a classic MBR (entries in slots 0..3) with the 0x55AA signature into sector 0. */
    static void writeMbr(byte[] disk, MbrEntry... entries) {
        ByteBuffer b = ByteBuffer.wrap(disk).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < entries.length; i++) {
            MbrEntry e = entries[i];
            if (e == null) {
                continue;
            }
            int at = 446 + 16 * i;
            b.put(at, (byte) e.boot());
            // CHS fields: the protective entry needs 0/0/2 at the start; others are ignored today
            b.put(at + 1, (byte) 0);
            b.put(at + 2, (byte) (e.type() == 0xee ? 2 : 1));
            b.put(at + 3, (byte) 0);
            b.put(at + 4, (byte) e.type());
            b.put(at + 5, (byte) 0xff);
            b.put(at + 6, (byte) 0xff);
            b.put(at + 7, (byte) 0xff);
            b.putInt(at + 8, (int) e.startLba());
            b.putInt(at + 12, (int) e.sectors());
        }
        disk[510] = 0x55;
        disk[511] = (byte) 0xaa;
    }

    static byte[] mbrDisk(int size, MbrEntry... entries) {
        byte[] disk = new byte[size];
        writeMbr(disk, entries);
        return disk;
    }

    /** A GPT disk; tests change fields before {@link #build()}. */
    static final class Gpt {
        final int blockSize;
        final long blocks;
        int entryCount = 128;
        int entrySize = 128;
        long entriesLba = 2;
        long firstUsable;
        long lastUsable;
        int revision = 0x00010000;
        final List<long[]> partitions = new ArrayList<>();
        boolean corruptHeaderCrc;
        boolean corruptArrayCrc;

        Gpt(int blockSize, long blocks) {
            this.blockSize = blockSize;
            this.blocks = blocks;
            long entryBlocks = entryArrayBlocks();
            this.firstUsable = 2 + entryBlocks;
            this.lastUsable = blocks - 2 - entryBlocks;
        }

        Gpt partition(long firstLba, long lastLba) {
            partitions.add(new long[] {firstLba, lastLba});
            return this;
        }

        private long entryArrayBlocks() {
            return ((long) entryCount * entrySize + blockSize - 1) / blockSize;
        }

        byte[] build() {
            byte[] disk = new byte[(int) (blocks * blockSize)];
            // the protective entry covers the whole disk after LBA 0
            writeMbr(disk, MbrEntry.of(0xee, 1, Math.min(blocks - 1, 0xffffffffL)));
            byte[] entries = entries();
            long backupEntriesLba = blocks - 1 - entryArrayBlocks();
            put(disk, entriesLba * blockSize, entries);
            put(disk, backupEntriesLba * blockSize, entries);
            long arrayCrc = crc(entries) ^ (corruptArrayCrc ? 1 : 0);
            put(disk, blockSize, header(1, blocks - 1, entriesLba, arrayCrc));
            put(disk, (blocks - 1) * blockSize, header(blocks - 1, 1, backupEntriesLba, arrayCrc));
            return disk;
        }

        private byte[] entries() {
            ByteBuffer b = ByteBuffer.allocate(entryCount * entrySize).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < partitions.size(); i++) {
                int at = i * entrySize;
                // Linux filesystem data type GUID 0FC63DAF-8483-4772-8E79-3D69D8477DE4, mixed-endian
                b.putInt(at, 0x0fc63daf).putShort(at + 4, (short) 0x8483).putShort(at + 6, (short) 0x4772);
                b.put(at + 8, new byte[] {(byte) 0x8e, 0x79, 0x3d, 0x69, (byte) 0xd8, 0x47, 0x7d, (byte) 0xe4});
                b.putLong(at + 16, 0x1122334455667788L + i).putLong(at + 24, 0x99aabbccddeeff00L);
                b.putLong(at + 32, partitions.get(i)[0]);
                b.putLong(at + 40, partitions.get(i)[1]);
                byte[] name = ("part" + (i + 1)).getBytes(StandardCharsets.UTF_16LE);
                b.put(at + 56, name);
            }
            return b.array();
        }

        private byte[] header(long myLba, long alternateLba, long arrayLba, long arrayCrc) {
            ByteBuffer h = ByteBuffer.allocate(92).order(ByteOrder.LITTLE_ENDIAN);
            h.put(0, "EFI PART".getBytes(StandardCharsets.US_ASCII));
            h.putInt(8, revision);
            h.putInt(12, 92);
            h.putLong(24, myLba);
            h.putLong(32, alternateLba);
            h.putLong(40, firstUsable);
            h.putLong(48, lastUsable);
            h.putLong(56, 0x0123456789abcdefL).putLong(64, 0x0fedcba987654321L); // disk GUID
            h.putLong(72, arrayLba);
            h.putInt(80, entryCount);
            h.putInt(84, entrySize);
            h.putInt(88, (int) arrayCrc);
            h.putInt(16, (int) (crc(h.array()) ^ (corruptHeaderCrc ? 1 : 0)));
            return h.array();
        }
    }

    /** Changes fields of the primary GPT header and gives it a correct CRC again. */
    static void rewriteGptHeader(byte[] disk, int blockSize, java.util.function.Consumer<ByteBuffer> edit) {
        ByteBuffer h = ByteBuffer.wrap(disk, blockSize, 92).slice().order(ByteOrder.LITTLE_ENDIAN);
        edit.accept(h);
        h.putInt(16, 0);
        byte[] copy = new byte[92];
        h.get(0, copy);
        h.putInt(16, (int) crc(copy));
    }

    static void put(byte[] disk, long offset, byte[] bytes) {
        if (offset >= 0 && offset + bytes.length <= disk.length) {
            System.arraycopy(bytes, 0, disk, (int) offset, bytes.length);
        }
    }

    static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
