package org.glanceconvert.format.raw;

import static org.glanceconvert.format.raw.PartitionedDisks.MbrEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Limits;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;

/** MBR and GPT sanity as oslo.utils checks it, plus the GPT header and entry array. */
class RawPartitionTest {
    private static final int MiB = 1 << 20;

    static InspectionReport inspect(byte[] image) throws IOException {
        return inspect(image, Limits.DEFAULT);
    }

    static InspectionReport inspect(byte[] image, Limits limits) throws IOException {
        return TestImages.inspect(image, "disk", limits);
    }

    private static void assertSafe(InspectionReport r, String table) {
        assertEquals("raw", r.format());
        assertEquals(table, r.partitionTable());
        assertTrue(r.safe(), r.problems().toString());
    }

    private static void assertUnsafe(InspectionReport r, Check check) {
        assertEquals("raw", r.format());
        assertFalse(r.safe());
        assertTrue(r.hasProblem(check.id()), r.problems().toString());
    }

    @Test
    void noSignatureIsPlainRaw() throws IOException {
        assertSafe(inspect(new byte[MiB]), null);
        byte[] reversed = PartitionedDisks.mbrDisk(MiB, MbrEntry.of(0x83, 2048, 100));
        reversed[510] = (byte) 0xaa;
        reversed[511] = 0x55;
        assertSafe(inspect(reversed), null);
        byte[] offByOne = PartitionedDisks.mbrDisk(MiB, MbrEntry.of(0x83, 2048, 100));
        offByOne[511] = (byte) 0xab;
        assertSafe(inspect(offByOne), null);
        assertSafe(inspect(new byte[100]), null);
    }

    @Test
    void saneMbr() throws IOException {
        byte[] disk = PartitionedDisks.mbrDisk(4 * MiB,
                new MbrEntry(0x80, 0x83, 2048, 2048), MbrEntry.of(0x82, 4096, 2048), null, MbrEntry.of(0x05, 6144, 2048));
        assertSafe(inspect(disk), "mbr");
    }

    @Test
    void badBootIndicatorIsUnsafeAsInOslo() throws IOException {
        byte[] disk = PartitionedDisks.mbrDisk(4 * MiB, new MbrEntry(0x01, 0x83, 2048, 2048));
        assertUnsafe(inspect(disk), Check.PARTITION_MBR);
        // in an unused slot too: oslo checks all four
        disk = PartitionedDisks.mbrDisk(4 * MiB, MbrEntry.of(0x83, 2048, 2048), null, new MbrEntry(0x7f, 0, 0, 0));
        assertUnsafe(inspect(disk), Check.PARTITION_MBR);
    }

    @Test
    void signatureWithoutPartitionsIsUnsafeAsInOslo() throws IOException {
        assertUnsafe(inspect(PartitionedDisks.mbrDisk(MiB)), Check.PARTITION_MBR);
    }

    @Test
    void fatBootSectorIsAFileSystemNotAPartitionTable() throws IOException {
        byte[] fat = PartitionedDisks.mbrDisk(MiB);
        fat[0x10] = 2;            // number of FATs
        fat[0x15] = (byte) 0xf8;  // media: fixed disk
        fat[446] = 0x33;          // boot code where an MBR has entries
        assertSafe(inspect(fat), null);
    }

    @Test
    void protectiveMbrRules() throws IOException {
        byte[] extra = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).build();
        PartitionedDisks.writeMbr(extra, MbrEntry.of(0xee, 1, 8191), MbrEntry.of(0x83, 2048, 2048));
        assertUnsafe(inspect(extra), Check.PARTITION_MBR);

        byte[] secondSlot = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).build();
        java.util.Arrays.fill(secondSlot, 446, 510, (byte) 0);
        PartitionedDisks.writeMbr(secondSlot, null, MbrEntry.of(0xee, 1, 8191));
        assertUnsafe(inspect(secondSlot), Check.PARTITION_MBR);

        byte[] wrongStart = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).build();
        PartitionedDisks.writeMbr(wrongStart, MbrEntry.of(0xee, 2, 8190));
        assertUnsafe(inspect(wrongStart), Check.PARTITION_MBR);

        byte[] wrongChs = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).build();
        wrongChs[446 + 2] = 1;
        assertUnsafe(inspect(wrongChs), Check.PARTITION_MBR);
    }

    @Test
    void javaMadeGptWithCorrectCrcsIsSafe() throws IOException {
        byte[] disk = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).partition(4096, 8158).build();
        assertSafe(inspect(disk), "gpt");
    }

    @Test
    void fourKnGpt() throws IOException {
        byte[] disk = new PartitionedDisks.Gpt(4096, 1024).partition(256, 511).build();
        assertSafe(inspect(disk), "gpt");
    }

    @Test
    void gptHeaderProblems() throws IOException {
        PartitionedDisks.Gpt crc = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095);
        crc.corruptHeaderCrc = true;
        assertUnsafe(inspect(crc.build()), Check.PARTITION_GPT);

        PartitionedDisks.Gpt arrayCrc = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095);
        arrayCrc.corruptArrayCrc = true;
        assertUnsafe(inspect(arrayCrc.build()), Check.PARTITION_GPT);

        PartitionedDisks.Gpt revision = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095);
        revision.revision = 0x00020000;
        assertUnsafe(inspect(revision.build()), Check.PARTITION_GPT);

        PartitionedDisks.Gpt outside = new PartitionedDisks.Gpt(512, 8192).partition(10, 4095);
        assertUnsafe(inspect(outside.build()), Check.PARTITION_GPT);

        PartitionedDisks.Gpt backwards = new PartitionedDisks.Gpt(512, 8192).partition(4095, 2048);
        assertUnsafe(inspect(backwards.build()), Check.PARTITION_GPT);

        PartitionedDisks.Gpt overlap = new PartitionedDisks.Gpt(512, 8192)
                .partition(2048, 6000).partition(3000, 3500).partition(7000, 7100);
        assertUnsafe(inspect(overlap.build()), Check.PARTITION_GPT);

        PartitionedDisks.Gpt entrySize = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095);
        entrySize.entrySize = 96;
        entrySize.entryCount = 4;
        assertUnsafe(inspect(entrySize.build()), Check.PARTITION_GPT);

        byte[] noHeader = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).build();
        noHeader[512] = 'X';
        assertUnsafe(inspect(noHeader), Check.PARTITION_GPT);

        byte[] myLba = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).build();
        PartitionedDisks.rewriteGptHeader(myLba, 512, h -> h.putLong(24, 5));
        assertUnsafe(inspect(myLba), Check.PARTITION_GPT);

        byte[] arrayInHeader = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).build();
        PartitionedDisks.rewriteGptHeader(arrayInHeader, 512, h -> h.putLong(72, 1));
        assertUnsafe(inspect(arrayInHeader), Check.PARTITION_GPT);

        byte[] arrayPastEnd = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).build();
        PartitionedDisks.rewriteGptHeader(arrayPastEnd, 512, h -> h.putLong(72, 9000));
        assertUnsafe(inspect(arrayPastEnd), Check.PARTITION_GPT);

        byte[] headerSize = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).build();
        PartitionedDisks.rewriteGptHeader(headerSize, 512, h -> h.putInt(12, 600));
        assertUnsafe(inspect(headerSize), Check.PARTITION_GPT);
    }

    @Test
    void hugeEntryArrayHitsTheTableLimitBeforeItIsRead() throws IOException {
        byte[] disk = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).build();
        PartitionedDisks.rewriteGptHeader(disk, 512, h -> h.putInt(80, 0x7fffffff));
        assertUnsafe(inspect(disk), Check.LIMITS_TABLE_SIZE);
    }

    @Test
    void truncatedGptDisksNeverThrow() throws IOException {
        byte[] disk = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).build();
        for (int length : List.of(511, 512, 513, 600, 1023, 1024, 1100, 4096, 17000, 17408, 20000)) {
            InspectionReport r = inspect(java.util.Arrays.copyOf(disk, length));
            assertEquals("raw", r.format());
            r.problems().forEach(p -> assertTrue(p.check().startsWith("partition.") || p.check().startsWith("limits."),
                    p.toString()));
        }
        // the entry array ends at 17408: anything shorter cannot be checked and is refused
        assertUnsafe(inspect(java.util.Arrays.copyOf(disk, 17000)), Check.PARTITION_GPT);
    }

    @Test
    void partitionTableIsNotAFormatMatch() throws IOException {
        InspectionReport r = inspect(new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).build());
        assertFalse(r.hasProblem(Check.FORMAT_MULTIPLE_MATCH.id()));
    }
}
