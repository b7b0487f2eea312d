package org.glanceconvert.format.raw;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;

/**
 * ISO 9660 and UDF optical disc images, Glance's {@code iso}, read as raw. The first 32 KiB
 * (the system area) are free for anything, which is why an ISO can carry an MBR or GPT for
 * USB booting (hybrid ISOs: reported as the partition table, never as a second format) and why
 * another format's header hidden there is a multiple match: this format is probed last.
 */
public final class IsoFormat implements DiskFormat {
    private static final long DESCRIPTORS_AT = 32 * 1024;
    private static final int DESCRIPTOR_SIZE = 2048;
    /** Volume descriptors looked at before giving up: ISO 9660 sets rarely have more than 4. */
    private static final int MAX_DESCRIPTORS = 16;
    private static final byte[] ISO9660 = id("CD001");
    private static final Set<String> UDF_NSR = Set.of("NSR02", "NSR03");
    private static final Set<String> VOLUME_RECOGNITION = Set.of("BEA01", "NSR02", "NSR03", "TEA01", "BOOT2",
            "CDW02", "CD001");
    private static final int PRIMARY_VOLUME_DESCRIPTOR = 1;
    private static final int TERMINATOR = 255;

    private final NestedImageProbe nested;

    public IsoFormat() {
        this(DiskFormats::signed);
    }

    public IsoFormat(Supplier<List<DiskFormat>> formats) {
        this.nested = new NestedImageProbe(formats);
    }

    @Override
    public String name() {
        return "iso";
    }

    /**
     * "CD001" in the first volume descriptor (ISO 9660, as oslo.utils checks), or an NSR
     * descriptor in the volume recognition sequence (pure UDF discs, which begin it with BEA01).
     */
    @Override
    public boolean matches(ByteSource source) throws IOException {
        for (int i = 0; i < MAX_DESCRIPTORS; i++) {
            String id = identifier(source, i);
            if (id == null || !VOLUME_RECOGNITION.contains(id)) {
                return false;
            }
            if ((i == 0 && id.equals("CD001")) || UDF_NSR.contains(id)) {
                return true;
            }
            if (id.equals("TEA01")) {
                return false;
            }
        }
        return false;
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        long size = source.size();
        FormatReport report = new FormatReport(name()).virtualSize(size);
        limits.checkVirtualSize(size);
        long volumeBytes = primaryVolumeBytes(source);
        if (volumeBytes > size) {
            report.problem(Check.FORMAT_TRUNCATED, "the ISO 9660 volume is " + volumeBytes
                    + " bytes but the file has only " + size);
        }
        // Hybrid ISOs boot from USB through an MBR or GPT in the system area. Their tables are
        // built by mastering tools to satisfy firmware, not oslo's raw-disk rules, so a failed
        // sanity check is only worth a warning here; a nested image is still a problem.
        PartitionScan scan = PartitionTables.scan(source, limits);
        report.partitionTable(scan.table());
        scan.findings().forEach(f -> report.warning(f.check(), f.message()));
        nested.probe(source, scan.partitions()).forEach(report::problem);
        return report;
    }

    @Override
    public VirtualDisk open(ByteSource source, Limits limits) throws IOException {
        return new RawDisk(source);
    }

    /**
     * The size the primary volume descriptor declares (volume space size times logical block
     * size, each stored both-endian), or -1 when there is no consistent one.
     */
    private static long primaryVolumeBytes(ByteSource source) throws IOException {
        for (int i = 0; i < MAX_DESCRIPTORS; i++) {
            long at = DESCRIPTORS_AT + (long) i * DESCRIPTOR_SIZE;
            if (source.size() < at + DESCRIPTOR_SIZE) {
                return -1;
            }
            byte[] d = source.readBytes(at, DESCRIPTOR_SIZE);
            if (!Arrays.equals(d, 1, 6, ISO9660, 0, 5)) {
                return -1;
            }
            int type = d[0] & 0xff;
            if (type == TERMINATOR) {
                return -1;
            }
            if (type == PRIMARY_VOLUME_DESCRIPTOR) {
                ByteBuffer le = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer be = ByteBuffer.wrap(d).order(ByteOrder.BIG_ENDIAN);
                long blocks = Integer.toUnsignedLong(le.getInt(80));
                int blockSize = Short.toUnsignedInt(le.getShort(128));
                if (blocks != Integer.toUnsignedLong(be.getInt(84)) || blockSize != Short.toUnsignedInt(be.getShort(130))) {
                    return -1;
                }
                return blocks * blockSize;
            }
        }
        return -1;
    }

    private static String identifier(ByteSource source, int index) throws IOException {
        long at = DESCRIPTORS_AT + (long) index * DESCRIPTOR_SIZE + 1;
        if (source.size() < at + 5) {
            return null;
        }
        return new String(source.readBytes(at, 5), StandardCharsets.ISO_8859_1);
    }

    private static byte[] id(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
