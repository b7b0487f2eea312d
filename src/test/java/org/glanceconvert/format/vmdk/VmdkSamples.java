package org.glanceconvert.format.vmdk;

import static org.glanceconvert.format.vmdk.SparseExtentHeader.SECTOR;

import java.nio.charset.StandardCharsets;

/**
 * Named hostile and valid VMDK files for the cross-format corpus (org.glanceconvert.hostile)
 * and the fuzz seeds, built with {@link CraftedVmdk}. Each method returns fresh bytes.
 */
public final class VmdkSamples {
    private static final int CAPACITY = 12;
    private static final int DESCRIPTOR_SIZE = 36;
    private static final int GD_OFFSET = 56;

    private VmdkSamples() {
    }

    /** Two grain tables' worth of disk with eight grains stored, as in the format's own tests. */
    private static CraftedVmdk twoTables() {
        return VmdkCraftedImagesTest.twoTables(new CraftedVmdk());
    }

    /** A small disk (64 KiB, one grain table) with two grains: a few KiB, for fuzz seeds. */
    private static CraftedVmdk small() {
        CraftedVmdk c = new CraftedVmdk();
        c.capacitySectors = 128;
        c.randomGrain(0, 1).randomGrain(5, 2);
        return c;
    }

    public static byte[] monolithicSparse() {
        return twoTables().buildMonolithicSparse();
    }

    public static byte[] streamOptimized() {
        return twoTables().buildStreamOptimized();
    }

    public static byte[] monolithicSparseSmall() {
        return small().buildMonolithicSparse();
    }

    public static byte[] streamOptimizedSmall() {
        return small().buildStreamOptimized();
    }

    /** A text-only descriptor with one extent line. */
    public static byte[] descriptorFile(String createType, String extentLine) {
        return ("# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType=\"" + createType
                + "\"\n\n# Extent description\n" + extentLine + "\n\n#DDB\nddb.adapterType = \"ide\"\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A monolithicSparse file whose embedded descriptor adds a FLAT extent naming {@code file}. */
    public static byte[] sparseWithFlatExtent(String file) {
        CraftedVmdk c = twoTables();
        c.extentLine = "RW 4999 SPARSE \"crafted.vmdk\"\nRW 2048 FLAT \"" + file + "\" 0";
        return c.buildMonolithicSparse();
    }

    /** A streamOptimized file whose footer claims another capacity than its header. */
    public static byte[] streamForgedFooter() {
        CraftedVmdk c = twoTables();
        byte[] image = c.buildStreamOptimized();
        CraftedVmdk.putLong(image, c.footerStart + SECTOR + CAPACITY, 8 * 4999);
        return image;
    }

    /** A streamOptimized file whose footer points its grain directory at a grain table. */
    public static byte[] streamFooterMovingTheDirectory() {
        CraftedVmdk c = twoTables();
        byte[] image = c.buildStreamOptimized();
        CraftedVmdk.putLong(image, c.footerStart + SECTOR + GD_OFFSET, c.gtSector.get(0));
        return image;
    }

    /** A monolithicSparse file whose grain table entry points 100 sectors past the end. */
    public static byte[] grainTableEntryPastEof() {
        CraftedVmdk c = twoTables();
        byte[] image = c.buildMonolithicSparse();
        CraftedVmdk.putInt(image, c.gtSector.get(0) * SECTOR + 5 * 4, image.length / SECTOR + 100);
        return image;
    }

    /** A monolithicSparse header claiming a descriptor of 100 MiB. */
    public static byte[] descriptorOf100MiB() {
        byte[] image = twoTables().buildMonolithicSparse();
        CraftedVmdk.putLong(image, DESCRIPTOR_SIZE, 100L * 1024 * 1024 / SECTOR);
        return image;
    }

    /** A sparse header of 8 TiB in grains of one sector: a grain directory of 2^25 entries (128 MiB). */
    public static byte[] hugeGrainDirectory() {
        byte[] image = twoTables().buildMonolithicSparse();
        CraftedVmdk.putLong(image, CAPACITY, 1L << 34);
        CraftedVmdk.putLong(image, 20, 1);
        return image;
    }
}
