package org.glanceconvert.format.vmdk;

import static org.glanceconvert.format.vmdk.SparseExtentHeader.SECTOR;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.Deflater;

/**
 * Builds small VMDK files in memory, laid out as the specification describes, for hostile-input
 * tests: monolithicSparse (redundant and primary directories with preallocated tables, then grains)
 * and streamOptimized with GD_AT_END (grain markers, table markers, directory marker, footer,
 * end-of-stream marker). After {@code build*()}, the fields below say where everything went so a
 * test can damage one thing.
 */
final class CraftedVmdk {
    long capacitySectors = 2048;
    long grainSectors = 8;
    int descriptorSectors = 4;
    String createType = null;
    String extentLine = null;
    String descriptorExtra = "ddb.adapterType = \"lsilogic\"\n";
    boolean zeroedGrainFlag = false;
    boolean redundant = true;
    /** Grain index to its content (a whole grain, or shorter for the last one). */
    final Map<Long, byte[]> grains = new TreeMap<>();
    /** Grains whose table entry is 1 (reads as zero). */
    final TreeSet<Long> zeroGrains = new TreeSet<>();
    /** Raw zlib streams to store instead of compressing the grain's content (stream only). */
    final Map<Long, byte[]> rawCompressed = new HashMap<>();

    // Where things went (sectors)
    long gdSector;
    long rgdSector;
    final Map<Integer, Long> gtSector = new HashMap<>();
    final Map<Long, Long> grainSector = new HashMap<>();
    long footerStart;

    int grainBytes() {
        return (int) (grainSectors * SECTOR);
    }

    long virtualSize() {
        return capacitySectors * SECTOR;
    }

    /** Content the disk should read: the grains laid out in a zero disk. */
    byte[] expectedContent() {
        byte[] disk = new byte[(int) virtualSize()];
        grains.forEach((index, data) -> System.arraycopy(data, 0, disk, (int) (index * grainBytes()),
                Math.min(data.length, disk.length - (int) (index * grainBytes()))));
        return disk;
    }

    /** Fills grain {@code index} with pseudo-random bytes (the last grain only up to capacity). */
    CraftedVmdk randomGrain(long index, long seed) {
        int length = (int) Math.min(grainBytes(), virtualSize() - index * grainBytes());
        byte[] data = new byte[length];
        new java.util.Random(seed).nextBytes(data);
        grains.put(index, data);
        return this;
    }

    String descriptor(String defaultType) {
        String type = createType != null ? createType : defaultType;
        String extent = extentLine != null ? extentLine : "RW " + capacitySectors + " SPARSE \"crafted.vmdk\"";
        return "# Disk DescriptorFile\nversion=1\nCID=12345678\nparentCID=ffffffff\ncreateType=\"" + type + "\"\n\n"
                + "# Extent description\n" + extent + "\n\n# The Disk Data Base\n#DDB\n\n" + descriptorExtra;
    }

    private long tables() {
        long span = SparseExtentHeader.GTES_PER_GT * grainSectors;
        return (capacitySectors + span - 1) / span;
    }

    private byte[] descriptorBytes(String defaultType) {
        byte[] text = descriptor(defaultType).getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[descriptorSectors * SECTOR];
        System.arraycopy(text, 0, padded, 0, Math.min(text.length, padded.length));
        return padded;
    }

    private static long sectorsFor(long bytes) {
        return (bytes + SECTOR - 1) / SECTOR;
    }

    /** A monolithicSparse file, laid out as qemu and VMware Workstation lay it out. */
    byte[] buildMonolithicSparse() {
        long tables = tables();
        long gdSectors = sectorsFor(tables * 4);
        long gtSectors = 4;
        long next = 1 + descriptorSectors;
        rgdSector = redundant ? next : 0;
        if (redundant) {
            next += gdSectors + tables * gtSectors;
        }
        gdSector = next;
        next += gdSectors + tables * gtSectors;
        long overhead = (next + grainSectors - 1) / grainSectors * grainSectors;
        int flags = SparseExtentHeader.FLAG_NEWLINE_TEST | (redundant ? SparseExtentHeader.FLAG_REDUNDANT_GRAIN_TABLE : 0)
                | (zeroedGrainFlag ? SparseExtentHeader.FLAG_ZEROED_GRAIN_GTE : 0);
        SparseExtentHeader header = SparseExtentHeader.of(zeroedGrainFlag ? 2 : 1, flags, capacitySectors,
                grainSectors, 1, descriptorSectors, rgdSector, gdSector, overhead, 0);
        TreeSet<Long> allocated = new TreeSet<>(grains.keySet());
        long fileSectors = overhead + allocated.size() * grainSectors;
        ByteBuffer file = ByteBuffer.allocate((int) (fileSectors * SECTOR)).order(ByteOrder.LITTLE_ENDIAN);
        file.put(0, header.toBytes());
        file.put(SECTOR, descriptorBytes(VmdkDescriptor.MONOLITHIC_SPARSE));
        long grainAt = overhead;
        int[] entries = new int[(int) (tables * SparseExtentHeader.GTES_PER_GT)];
        for (long index : allocated) {
            grainSector.put(index, grainAt);
            entries[(int) index] = (int) grainAt;
            byte[] data = grains.get(index);
            file.put((int) (grainAt * SECTOR), data);
            grainAt += grainSectors;
        }
        for (long index : zeroGrains) {
            entries[(int) index] = 1;
        }
        for (long dir : redundant ? new long[] {rgdSector, gdSector} : new long[] {gdSector}) {
            for (int t = 0; t < tables; t++) {
                long gt = dir + gdSectors + t * gtSectors;
                if (dir == gdSector) {
                    gtSector.put(t, gt);
                }
                file.putInt((int) (dir * SECTOR + t * 4L), (int) gt);
                for (int i = 0; i < SparseExtentHeader.GTES_PER_GT; i++) {
                    file.putInt((int) (gt * SECTOR + i * 4L), entries[t * SparseExtentHeader.GTES_PER_GT + i]);
                }
            }
        }
        return file.array();
    }

    /** A streamOptimized file as VMware writes one for streaming: GD_AT_END and a footer. */
    byte[] buildStreamOptimized() {
        long tables = tables();
        long gdSectors = sectorsFor(tables * 4);
        long overhead = (1 + descriptorSectors + grainSectors - 1) / grainSectors * grainSectors;
        int flags = SparseExtentHeader.FLAG_NEWLINE_TEST | SparseExtentHeader.FLAG_COMPRESSED
                | SparseExtentHeader.FLAG_MARKERS;
        SparseExtentHeader header = SparseExtentHeader.of(3, flags, capacitySectors, grainSectors, 1,
                descriptorSectors, 0, SparseExtentHeader.GD_AT_END, overhead, SparseExtentHeader.COMPRESSION_DEFLATE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.toBytes());
        out.writeBytes(descriptorBytes(VmdkDescriptor.STREAM_OPTIMIZED));
        padTo(out, overhead * SECTOR);
        int[] gd = new int[(int) tables];
        TreeMap<Long, byte[]> byIndex = new TreeMap<>(grains);
        for (int t = 0; t < tables; t++) {
            int[] gt = new int[SparseExtentHeader.GTES_PER_GT];
            boolean any = false;
            long first = (long) t * gt.length;
            for (Map.Entry<Long, byte[]> grain : byIndex.subMap(first, first + gt.length).entrySet()) {
                long index = grain.getKey();
                int i = (int) (index - first);
                byte[] data = grain.getValue();
                any = true;
                long sector = out.size() / SECTOR;
                grainSector.put(index, sector);
                gt[i] = (int) sector;
                byte[] compressed = rawCompressed.containsKey(index) ? rawCompressed.get(index) : zlib(data);
                out.writeBytes(StreamMarker.grainHeader(index * grainSectors, compressed.length));
                out.writeBytes(compressed);
                padTo(out, sectorsFor(out.size()) * SECTOR);
            }
            if (any) {
                out.writeBytes(StreamMarker.metadataSector(4, StreamMarker.GRAIN_TABLE));
                gd[t] = (int) (out.size() / SECTOR);
                gtSector.put(t, (long) gd[t]);
                out.writeBytes(intsLittleEndian(gt, 4 * SECTOR));
            }
        }
        out.writeBytes(StreamMarker.metadataSector(gdSectors, StreamMarker.GRAIN_DIRECTORY));
        gdSector = out.size() / SECTOR;
        out.writeBytes(intsLittleEndian(gd, (int) (gdSectors * SECTOR)));
        footerStart = out.size();
        out.writeBytes(StreamMarker.metadataSector(1, StreamMarker.FOOTER));
        out.writeBytes(header.withGdOffset(gdSector).toBytes());
        out.writeBytes(StreamMarker.metadataSector(0, StreamMarker.END_OF_STREAM));
        return out.toByteArray();
    }

    static byte[] zlib(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        byte[] buf = new byte[data.length * 2 + 64];
        int n = deflater.deflate(buf);
        deflater.end();
        return Arrays.copyOf(buf, n);
    }

    private static void padTo(ByteArrayOutputStream out, long size) {
        while (out.size() < size) {
            out.write(0);
        }
    }

    private static byte[] intsLittleEndian(int[] values, int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    /** Little-endian patch helpers for damaging a built file. */
    static void putInt(byte[] file, long at, int value) {
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, value);
    }

    static void putLong(byte[] file, long at, long value) {
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at, value);
    }
}
