package org.glanceconvert.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Named hostile and valid VHDX files for the cross-format corpus (org.glanceconvert.hostile)
 * and the fuzz seeds, built with {@link VhdxImageBuilder}. Each method returns fresh bytes.
 */
public final class VhdxSamples {
    private static final int MiB = 1 << 20;
    private static final VhdxGuid LOG_GUID = VhdxGuid.parse("0DDBA110-1234-4000-8000-00000000C0DE");

    private VhdxSamples() {
    }

    private static byte[] pattern(int length, int seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** 2.5 MiB in 1 MiB blocks: block 0 stored, block 1 zero, block 2 unmapped. */
    private static VhdxImageBuilder small() {
        VhdxImageBuilder b = new VhdxImageBuilder(2 * MiB + MiB / 2);
        b.blocks.put(0L, pattern(MiB, 1));
        b.states.put(1L, VhdxBat.PAYLOAD_ZERO);
        b.states.put(2L, VhdxBat.PAYLOAD_UNMAPPED);
        return b;
    }

    public static byte[] valid() {
        return small().build();
    }

    /**
     * The valid layout with a block that is zero but for its first 4 KiB: a file that is mostly
     * zero, so that its fuzz seed (an overlay of its non-zero sectors) stays small.
     */
    public static byte[] mostlyZero() {
        VhdxImageBuilder b = small();
        byte[] block = new byte[MiB];
        System.arraycopy(pattern(4096, 1), 0, block, 0, 4096);
        b.blocks.put(0L, block);
        return b.build();
    }

    /** Both headers with a CRC-32C that does not match. */
    public static byte[] badCrcs() {
        byte[] file = valid();
        file[(int) VhdxHeader.FIRST_OFFSET + 200] ^= 1;
        file[(int) VhdxHeader.SECOND_OFFSET + 200] ^= 1;
        return file;
    }

    /** A log GUID in the headers and a valid log entry of that log: it needs replay. */
    public static byte[] logNeedingReplay() {
        VhdxImageBuilder b = small();
        b.logGuid = LOG_GUID;
        byte[] file = b.build();
        VhdxImageBuilder.writeLogEntry(file, LOG_GUID, 7, b.metadataOffset());
        return file;
    }

    /** The metadata region's table entry moved onto the BAT region, in both region tables. */
    public static byte[] regionsOverlapping() {
        byte[] file = valid();
        ByteBuffer le = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        for (long table : new long[] {VhdxRegionTable.FIRST_OFFSET, VhdxRegionTable.SECOND_OFFSET}) {
            le.putLong((int) table + 16 + 32 + 16, VhdxImageBuilder.BAT_OFFSET);
        }
        VhdxImageBuilder.sealAll(file);
        return file;
    }

    /** A BAT entry whose payload block lies past the end of the file. */
    public static byte[] batEntryPastEof() {
        byte[] file = valid();
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN)
                .putLong((int) VhdxImageBuilder.batEntryOffset(0), (64L * MiB) | VhdxBat.PAYLOAD_FULLY_PRESENT);
        return file;
    }

    /** Metadata claiming a virtual size of 16 TiB: a BAT of 2^24 entries (128 MiB) in 1 MiB blocks. */
    public static byte[] hugeBat() {
        VhdxImageBuilder b = small();
        byte[] file = b.build();
        // the builder writes the file parameters item first (8 bytes), then the virtual disk size
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN)
                .putLong((int) b.metadataOffset() + VhdxMetadata.TABLE_SIZE + 8, 16L << 40);
        return file;
    }

    /** Bytes of a VHDX file that carry checksums over fixed places: two headers, two region tables. */
    public static final int CHECKSUMMED_PREFIX = 320 * 1024;

    /**
     * Gives both headers and both region tables in {@code prefix} (the start of a file) a
     * correct CRC-32C, in place: a fuzzer's mutations then reach the structures behind them.
     */
    public static void sealChecksums(byte[] prefix) {
        int[][] structures = {{(int) VhdxHeader.FIRST_OFFSET, VhdxHeader.SIZE},
                {(int) VhdxHeader.SECOND_OFFSET, VhdxHeader.SIZE},
                {(int) VhdxRegionTable.FIRST_OFFSET, VhdxRegionTable.SIZE},
                {(int) VhdxRegionTable.SECOND_OFFSET, VhdxRegionTable.SIZE}};
        for (int[] s : structures) {
            if (s[0] + s[1] <= prefix.length) {
                VhdxImageBuilder.seal(prefix, s[0], s[1]);
            }
        }
    }
}
