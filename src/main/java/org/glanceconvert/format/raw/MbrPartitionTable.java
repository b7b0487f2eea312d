package org.glanceconvert.format.raw;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.image.Check;
import org.glanceconvert.inspect.Finding;

/**
 * The classic MBR in sector 0: four 16-byte entries at byte 446 and the 0x55 0xAA signature at
 * 510. The sanity rules are oslo.utils' (format_inspector GPTInspector), so that glance-convert
 * accepts and refuses the same disks Glance does: a sector without the signature, or a FAT
 * boot sector (which carries the same signature), is no partition table at all, while a
 * signed sector whose entries fail the checks is unsafe.
 */
final class MbrPartitionTable {
    static final int SECTOR = 512;
    static final int PROTECTIVE_TYPE = 0xee;
    private static final int ENTRIES_AT = 446;
    private static final int ENTRY_SIZE = 16;
    private static final int FAT_MEDIA_FIXED_DISK = 0xf8;

    /** One of the four primary entries. */
    record Entry(int index, int bootIndicator, int startHead, int startSector, int startCylinder,
                 int type, long startLba, long sectors) {
    }

    private final List<Entry> entries;

    private MbrPartitionTable(List<Entry> entries) {
        this.entries = entries;
    }

    /** The table in {@code sector0}, or null when the sector carries none. */
    static MbrPartitionTable parse(byte[] sector0) {
        if (sector0.length < SECTOR || (sector0[510] & 0xff) != 0x55 || (sector0[511] & 0xff) != 0xaa) {
            return null;
        }
        if (isFatBootSector(sector0)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(sector0).order(ByteOrder.LITTLE_ENDIAN);
        List<Entry> entries = new ArrayList<>(4);
        for (int i = 0; i < 4; i++) {
            int at = ENTRIES_AT + i * ENTRY_SIZE;
            entries.add(new Entry(i, b.get(at) & 0xff, b.get(at + 1) & 0xff, b.get(at + 2) & 0xff,
                    b.get(at + 3) & 0xff, b.get(at + 4) & 0xff,
                    Integer.toUnsignedLong(b.getInt(at + 8)), Integer.toUnsignedLong(b.getInt(at + 12))));
        }
        return new MbrPartitionTable(entries);
    }

    /**
     * A FAT volume boot record looks like an MBR; oslo tells them apart by the BIOS parameter
     * block: two FATs on a fixed disk.
     */
    private static boolean isFatBootSector(byte[] sector0) {
        return sector0[0x10] == 2 && (sector0[0x15] & 0xff) == FAT_MEDIA_FIXED_DISK;
    }

    List<Entry> entries() {
        return entries;
    }

    /** True when an entry is the protective 0xEE partition of a GPT disk. */
    boolean protective() {
        return entries.stream().anyMatch(e -> e.type == PROTECTIVE_TYPE);
    }

    /** oslo's checks: boot indicators, at least one partition, and a well-formed protective MBR. */
    List<Finding> problems() {
        List<Finding> problems = new ArrayList<>();
        List<Integer> used = new ArrayList<>();
        for (Entry e : entries) {
            if (e.bootIndicator != 0x00 && e.bootIndicator != 0x80) {
                problems.add(problem("MBR entry " + (e.index + 1) + " has boot indicator 0x"
                        + Integer.toHexString(e.bootIndicator) + " (only 0x00 and 0x80 are valid)"));
            }
            if (e.type != 0) {
                used.add(e.index);
            }
            if (e.type == PROTECTIVE_TYPE) {
                if (e.startHead != 0 || e.startSector != 2 || e.startCylinder != 0) {
                    problems.add(problem("protective MBR entry " + (e.index + 1) + " does not start at CHS 0/0/2"));
                }
                if (e.startLba != 1) {
                    problems.add(problem("protective MBR entry " + (e.index + 1) + " starts at LBA "
                            + e.startLba + ", not 1"));
                }
            }
        }
        if (protective() && !used.equals(List.of(0))) {
            problems.add(problem("a protective MBR must hold only the GPT entry, in the first slot; found entries "
                    + used.stream().map(i -> Integer.toString(i + 1)).toList()));
        }
        if (used.isEmpty()) {
            problems.add(problem("the MBR signature is present but no partition is defined"));
        }
        return problems;
    }

    /** Partitions worth probing: used, not protective, and not starting at the table itself. */
    List<Partition> partitions() {
        List<Partition> partitions = new ArrayList<>();
        for (Entry e : entries) {
            if (e.type != 0 && e.type != PROTECTIVE_TYPE && e.startLba > 0 && e.sectors > 0) {
                partitions.add(new Partition("MBR entry " + (e.index + 1), e.startLba * SECTOR, e.sectors * SECTOR));
            }
        }
        return partitions;
    }

    private static Finding problem(String message) {
        return Finding.of(Check.PARTITION_MBR, message);
    }
}
