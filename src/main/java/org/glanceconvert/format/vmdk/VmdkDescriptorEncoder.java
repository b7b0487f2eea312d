package org.glanceconvert.format.vmdk;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The text descriptor embedded in a monolithic sparse or stream-optimized VMDK: one SPARSE extent
 * (the file itself) and the disk database entries qemu-img writes and ESXi accepts.
 */
public final class VmdkDescriptorEncoder {
    /** qemu-img's default; ESXi imports version 4 disks into any newer VM. */
    static final String VIRTUAL_HW_VERSION = "4";
    /** "Tools newer than anything": what qemu-img writes so vSphere does not offer a tools upgrade. */
    static final String TOOLS_VERSION = "2147483647";
    /** The extent's file name. It names the file itself, so any name without a path works. */
    static final String EXTENT_FILE = "disk.vmdk";

    private VmdkDescriptorEncoder() {
    }

    /**
     * The descriptor text, LF line endings, ASCII only.
     *
     * @param cid content id; parentCID is always ffffffff (no parent)
     */
    public static String encode(String createType, long capacitySectors,
                                VmdkWriterOptions.AdapterType adapter, int cid) {
        int heads = adapter.heads();
        long cylinders = capacitySectors / (63L * heads);
        StringBuilder d = new StringBuilder(512);
        d.append("# Disk DescriptorFile\n");
        d.append("version=1\n");
        d.append(String.format(Locale.ROOT, "CID=%08x\n", cid));
        d.append("parentCID=ffffffff\n");
        d.append("createType=\"").append(createType).append("\"\n");
        d.append('\n');
        d.append("# Extent description\n");
        d.append("RW ").append(capacitySectors).append(" SPARSE \"").append(EXTENT_FILE).append("\"\n");
        d.append('\n');
        d.append("# The Disk Data Base\n");
        d.append("#DDB\n");
        d.append('\n');
        d.append("ddb.virtualHWVersion = \"").append(VIRTUAL_HW_VERSION).append("\"\n");
        d.append("ddb.geometry.cylinders = \"").append(cylinders).append("\"\n");
        d.append("ddb.geometry.heads = \"").append(heads).append("\"\n");
        d.append("ddb.geometry.sectors = \"63\"\n");
        d.append("ddb.adapterType = \"").append(adapter.descriptorValue()).append("\"\n");
        d.append("ddb.toolsVersion = \"").append(TOOLS_VERSION).append("\"\n");
        return d.toString();
    }

    /** {@link #encode} as bytes. */
    public static byte[] encodeBytes(String createType, long capacitySectors,
                                     VmdkWriterOptions.AdapterType adapter, int cid) {
        return encode(createType, capacitySectors, adapter, cid).getBytes(StandardCharsets.US_ASCII);
    }
}
