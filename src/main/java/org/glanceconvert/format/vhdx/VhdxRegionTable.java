package org.glanceconvert.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * The region table (64 KiB, two copies at 192 KiB and 256 KiB): where the BAT, the metadata
 * region and any other region lie. Regions are 1 MiB aligned, a multiple of 1 MiB long, inside
 * the file and clear of the header section, the log and each other; an unknown region marked
 * required makes the file unreadable by definition.
 */
public final class VhdxRegionTable {
    public static final long FIRST_OFFSET = 192 * 1024;
    public static final long SECOND_OFFSET = 256 * 1024;
    public static final int SIZE = 64 * 1024;
    public static final int CHECKSUM_OFFSET = 4;
    public static final int MAX_ENTRIES = 2047;
    public static final byte[] SIGNATURE = "regi".getBytes(StandardCharsets.US_ASCII);
    public static final VhdxGuid BAT = VhdxGuid.parse("2DC27766-F623-4200-9D64-115E9BFD4A08");
    public static final VhdxGuid METADATA = VhdxGuid.parse("8B7CA206-4790-4B9A-B8FE-575F050F886E");
    private static final long MiB = 1 << 20;
    private static final int HEADER_SIZE = 16;
    private static final int ENTRY_SIZE = 32;
    private static final int REQUIRED = 1;

    /** One region: a GUID and a 1 MiB-aligned range of the file. */
    public record Region(VhdxGuid guid, long fileOffset, long length, boolean required) {
        public long end() {
            return fileOffset + length;
        }

        public String name() {
            return guid.equals(BAT) ? "BAT region" : guid.equals(METADATA) ? "metadata region" : "region " + guid;
        }
    }

    private final byte[] bytes;
    private final List<Region> regions;

    private VhdxRegionTable(byte[] bytes, List<Region> regions) {
        this.bytes = bytes;
        this.regions = regions;
    }

    /** A table listing {@code regions}, as glance-convert writes both copies. */
    public static byte[] encode(List<Region> regions) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SIGNATURE);
        b.putInt(0); // checksum, below
        b.putInt(regions.size());
        b.putInt(0);
        for (Region r : regions) {
            b.put(r.guid().bytes());
            b.putLong(r.fileOffset());
            b.putInt(Math.toIntExact(r.length()));
            b.putInt(r.required() ? REQUIRED : 0);
        }
        byte[] table = b.array();
        VhdxChecksum.store(table, 0, SIZE, CHECKSUM_OFFSET);
        return table;
    }

    /** Parses one copy: signature, CRC-32C and entry count. Placement is checked by {@link #validate}. */
    public static VhdxRegionTable parse(byte[] raw, long fileOffset) throws ImageFormatException {
        String where = "region table at " + fileOffset / 1024 + " KiB";
        if (raw.length != SIZE) {
            throw new IllegalArgumentException("a region table is " + SIZE + " bytes");
        }
        if (!Arrays.equals(raw, 0, 4, SIGNATURE, 0, 4)) {
            throw new ImageFormatException(Check.VHDX_REGION_TABLE, where + " has no 'regi' signature");
        }
        if (!VhdxChecksum.valid(raw, 0, SIZE, CHECKSUM_OFFSET)) {
            throw new ImageFormatException(Check.VHDX_CHECKSUM, String.format("%s has CRC-32C 0x%08x, its bytes "
                    + "give 0x%08x", where, VhdxChecksum.stored(raw, 0, CHECKSUM_OFFSET),
                    VhdxChecksum.compute(raw, 0, SIZE, CHECKSUM_OFFSET)));
        }
        ByteBuffer le = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long count = le.getInt(8) & 0xffffffffL;
        if (count > MAX_ENTRIES) {
            throw new ImageFormatException(Check.VHDX_REGION_TABLE, where + " claims " + count
                    + " entries; at most " + MAX_ENTRIES + " fit");
        }
        List<Region> regions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = HEADER_SIZE + i * ENTRY_SIZE;
            regions.add(new Region(VhdxGuid.read(raw, at), le.getLong(at + 16), le.getInt(at + 24) & 0xffffffffL,
                    (le.getInt(at + 28) & REQUIRED) != 0));
        }
        return new VhdxRegionTable(raw.clone(), List.copyOf(regions));
    }

    public List<Region> regions() {
        return regions;
    }

    /** True when both copies say the same (the bytes of the whole table agree). */
    public boolean sameAs(VhdxRegionTable other) {
        return Arrays.equals(bytes, other.bytes);
    }

    /**
     * Checks each region: known or not required, unique, aligned, inside the file, clear of the
     * header section, the log and the other regions.
     *
     * @param log      the log's range as {start, end}, or null when there is no log
     */
    public void validate(long fileSize, long[] log) throws ImageFormatException {
        boolean bat = false;
        boolean metadata = false;
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            if (r.guid().equals(BAT) || r.guid().equals(METADATA)) {
                boolean seen = r.guid().equals(BAT) ? bat : metadata;
                if (seen) {
                    throw new ImageFormatException(Check.VHDX_REGION_TABLE, "the region table lists the "
                            + r.name() + " twice");
                }
                bat |= r.guid().equals(BAT);
                metadata |= r.guid().equals(METADATA);
            } else if (r.required()) {
                throw new ImageFormatException(Check.VHDX_REGION_TABLE, "unknown " + r.name()
                        + " is marked required: the file cannot be read without understanding it");
            }
            if (r.fileOffset() < MiB || r.fileOffset() % MiB != 0 || r.length() == 0 || r.length() % MiB != 0) {
                throw new ImageFormatException(Check.VHDX_REGION_TABLE, r.name() + " at "
                        + Long.toUnsignedString(r.fileOffset()) + " (" + r.length()
                        + " bytes) is not a whole number of MiB at a MiB boundary after the header section");
            }
            if (r.fileOffset() > fileSize || r.length() > fileSize - r.fileOffset()) {
                throw new ImageFormatException(Check.VHDX_REGION_TABLE, r.name() + " at " + r.fileOffset()
                        + " (" + r.length() + " bytes) runs past the end of the " + fileSize + "-byte file");
            }
            if (log != null && r.fileOffset() < log[1] && log[0] < r.end()) {
                throw new ImageFormatException(Check.VHDX_REGION_TABLE, r.name() + " at " + r.fileOffset()
                        + " overlaps the log at " + log[0]);
            }
            for (int j = 0; j < i; j++) {
                Region o = regions.get(j);
                if (r.fileOffset() < o.end() && o.fileOffset() < r.end()) {
                    throw new ImageFormatException(Check.VHDX_REGION_TABLE, r.name() + " at " + r.fileOffset()
                            + " overlaps the " + o.name() + " at " + o.fileOffset());
                }
            }
        }
        if (!bat || !metadata) {
            throw new ImageFormatException(Check.VHDX_REGION_TABLE, "the region table has no "
                    + (!bat ? "BAT" : "metadata") + " region");
        }
    }

    /** The region with that GUID (after {@link #validate}, BAT and metadata are always there). */
    public Region region(VhdxGuid guid) {
        return regions.stream().filter(r -> r.guid().equals(guid)).findFirst().orElseThrow();
    }
}
