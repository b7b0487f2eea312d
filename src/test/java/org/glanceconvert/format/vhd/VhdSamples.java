package org.glanceconvert.format.vhd;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Named hostile and valid VHD files for the cross-format corpus (org.glanceconvert.hostile) and
 * the fuzz seeds, built with {@link VhdImageBuilder}. Each method returns fresh bytes.
 */
public final class VhdSamples {
    private VhdSamples() {
    }

    private static byte[] pattern(int length, int seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** 3.5 blocks of {@code block} bytes, blocks 0 and 2 stored. */
    private static VhdImageBuilder twoBlocks(int block) {
        VhdImageBuilder b = new VhdImageBuilder(3L * block + block / 2);
        b.blockSize = block;
        b.blocks.put(0, pattern(block, 1));
        b.blocks.put(2, pattern(block, 2));
        return b;
    }

    public static byte[] dynamic() {
        return twoBlocks(128 * 1024).dynamic();
    }

    /** Blocks of 4 KiB: a few KiB in all, for fuzz seeds. */
    public static byte[] dynamicSmall() {
        return twoBlocks(4096).dynamic();
    }

    public static byte[] fixed() {
        return new VhdImageBuilder(256 * 1024).fixed(pattern(256 * 1024, 3));
    }

    /** A fixed disk of 4 KiB. */
    public static byte[] fixedSmall() {
        return new VhdImageBuilder(4096).fixed(pattern(4096, 4));
    }

    /** A footer (both copies) whose checksum does not match its bytes. */
    public static byte[] badChecksum() {
        byte[] file = dynamic();
        file[100] ^= 1;
        System.arraycopy(file, 0, file, file.length - 512, 512);
        return file;
    }

    /** A dynamic header whose BAT starts past the end of the file. */
    public static byte[] batPastEof() {
        byte[] file = dynamic();
        ByteBuffer.wrap(file).putLong(VhdImageBuilder.HEADER_OFFSET + 16, 1L << 40);
        VhdImageBuilder.sealHeader(file, VhdImageBuilder.HEADER_OFFSET);
        return file;
    }

    /** A BAT entry pointing past the end of the file. */
    public static byte[] batEntryPastEof() {
        byte[] file = dynamic();
        ByteBuffer.wrap(file).putInt(VhdImageBuilder.BAT_OFFSET + 8, 0x7fff_0000);
        return file;
    }

    /** A differencing disk naming its parent, with Windows parent locators. */
    public static byte[] differencing() {
        VhdImageBuilder b = twoBlocks(128 * 1024);
        b.diskType = 4;
        b.parentName = "C:\\images\\parent.vhd";
        b.locators = new String[] {"W2ku", "W2ru"};
        return b.dynamic();
    }

    /** A disk of 2000 GiB in 128 KiB blocks: a BAT of 16,384,000 entries (62.5 MiB), as header and footer say. */
    public static byte[] hugeBat() {
        byte[] file = dynamic();
        ByteBuffer b = ByteBuffer.wrap(file);
        b.putLong(40, 2000L << 30).putLong(48, 2000L << 30);
        VhdImageBuilder.resealBothFooters(file);
        b.putInt(VhdImageBuilder.HEADER_OFFSET + 28, 2000 << 13);
        VhdImageBuilder.sealHeader(file, VhdImageBuilder.HEADER_OFFSET);
        return file;
    }

    /**
     * Gives every footer and dynamic header found in {@code file} a correct checksum, in place: a
     * fuzzer's mutations then reach the structures behind the checksums.
     */
    public static void sealChecksums(byte[] file) {
        if (file.length < 512) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(file);
        for (int footer : new int[] {0, file.length - 512}) {
            if (b.getLong(footer) == 0x636f6e6563746978L) { // "conectix"
                VhdImageBuilder.sealFooter(file, footer);
                long header = b.getLong(footer + 16);
                if (header >= 0 && header <= file.length - 1024 && b.getLong((int) header) == 0x6378737061727365L) {
                    VhdImageBuilder.sealHeader(file, (int) header); // "cxsparse"
                }
            }
        }
    }
}
