package org.glanceconvert.format.vhdx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.FileRegion;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;

/**
 * Where everything is in one VHDX file: the current header, the log, the region table, the
 * metadata and the BAT. Parsing records what makes the image unsafe but leaves its structure
 * readable (a log to replay, a parent) in the report, and throws {@link ImageFormatException}
 * for what stops it.
 */
public final class VhdxLayout {
    public static final byte[] SIGNATURE = "vhdxfile".getBytes(StandardCharsets.US_ASCII);
    /** The header section: file identifier, two headers, two region tables. */
    public static final long HEADER_SECTION_SIZE = 1 << 20;
    private static final long MiB = 1 << 20;

    private final VhdxHeader header;
    private final VhdxRegionTable regionTable;
    private final VhdxMetadata metadata;
    private final VhdxBat bat;

    private VhdxLayout(VhdxHeader header, VhdxRegionTable regionTable, VhdxMetadata metadata, VhdxBat bat) {
        this.header = header;
        this.regionTable = regionTable;
        this.metadata = metadata;
        this.bat = bat;
    }

    /**
     * The file identifier at offset 0: the signature and the creator as UTF-16LE (at most 256
     * characters); the rest of its 64 KiB is zero.
     */
    public static byte[] fileIdentifier(String creator) {
        byte[] name = creator.getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer b = ByteBuffer.allocate(SIGNATURE.length + Math.min(name.length, 512));
        b.put(SIGNATURE);
        b.put(name, 0, Math.min(name.length, 512));
        return b.array();
    }

    /** True when the file identifier's signature is at offset 0. */
    public static boolean hasSignature(ByteSource source) throws IOException {
        return source.size() >= SIGNATURE.length && Arrays.equals(source.readBytes(0, SIGNATURE.length), SIGNATURE);
    }

    /**
     * Parses headers, log state, region table and metadata, and locates the BAT (its entries:
     * {@link VhdxBat#validateAll()}).
     *
     * @param report where problems that leave the structure readable go, so that one inspection
     *               names them all; null to throw the first one instead (for readers)
     */
    public static VhdxLayout read(ByteSource source, Limits limits, FormatReport report) throws IOException {
        long size = source.size();
        if (!hasSignature(source)) {
            throw new ImageFormatException(Check.VHDX_HEADER, "no 'vhdxfile' signature at offset 0");
        }
        VhdxHeader header = VhdxHeader.current(
                VhdxHeader.of(source.readBytes(VhdxHeader.FIRST_OFFSET, VhdxHeader.SIZE), VhdxHeader.FIRST_OFFSET),
                VhdxHeader.of(source.readBytes(VhdxHeader.SECOND_OFFSET, VhdxHeader.SIZE), VhdxHeader.SECOND_OFFSET));
        long[] log = checkLog(source, header, limits, size, report);

        VhdxRegionTable regions = VhdxRegionTable.parse(
                source.readBytes(VhdxRegionTable.FIRST_OFFSET, VhdxRegionTable.SIZE), VhdxRegionTable.FIRST_OFFSET);
        regions.validate(size, log);
        checkSecondRegionTable(source, regions, report);

        VhdxMetadata metadata = VhdxMetadata.read(source, regions.region(VhdxRegionTable.METADATA));
        if (metadata.hasParent()) {
            problem(report, Check.VHDX_DIFFERENCING, "a differencing disk: its content lives partly in a parent image"
                    + (metadata.hasParentLocator() ? "" : " (and it lacks the parent locator it must have)"));
        }
        limits.checkVirtualSize(metadata.virtualDiskSize());

        VhdxRegionTable.Region batRegion = regions.region(VhdxRegionTable.BAT);
        long entries = VhdxBat.entryCount(metadata.virtualDiskSize(), metadata.blockSize(), metadata.chunkRatio(),
                metadata.hasParent());
        limits.checkTableBytes("VHDX BAT", entries * 8);
        if (entries * 8 > batRegion.length()) {
            throw new ImageFormatException(Check.VHDX_BAT, "the BAT region of " + batRegion.length()
                    + " bytes cannot hold the " + entries + " entries a disk of " + metadata.virtualDiskSize()
                    + " bytes in blocks of " + metadata.blockSize() + " needs");
        }
        List<FileRegion> reserved = new ArrayList<>();
        reserved.add(new FileRegion("header section", 0, HEADER_SECTION_SIZE));
        if (log != null) {
            reserved.add(new FileRegion("log", log[0], log[1]));
        }
        for (VhdxRegionTable.Region r : regions.regions()) {
            reserved.add(new FileRegion(r.name(), r.fileOffset(), r.end()));
        }
        VhdxBat bat = new VhdxBat(source, batRegion.fileOffset(), entries, metadata.blockSize(), metadata.chunkRatio(),
                metadata.virtualDiskSize(), size, metadata.hasParent(), reserved, limits.maxCacheBytes() / 2);
        return new VhdxLayout(header, regions, metadata, bat);
    }

    /**
     * Checks the log's placement and whether it needs replay.
     *
     * @return the log's range {start, end}, or null when the header declares no log
     */
    private static long[] checkLog(ByteSource source, VhdxHeader header, Limits limits, long size,
                                   FormatReport report) throws IOException {
        long offset = header.logOffset();
        long length = header.logLength();
        if (header.logVersion() != 0) {
            throw new ImageFormatException(Check.VHDX_HEADER, "log version " + header.logVersion() + " is not 0");
        }
        if (offset < MiB || offset % MiB != 0 || length % MiB != 0) {
            throw new ImageFormatException(Check.VHDX_HEADER, "the log at " + Long.toUnsignedString(offset) + " ("
                    + length + " bytes) is not a whole number of MiB at a MiB boundary after the header section");
        }
        if (length == 0) {
            return null;
        }
        if (offset > size || length > size - offset) {
            throw new ImageFormatException(Check.VHDX_HEADER, "the log at " + offset + " (" + length
                    + " bytes) runs past the end of the " + size + "-byte file");
        }
        if (!header.logGuid().isZero()) {
            limits.checkTableBytes("VHDX log", length);
            String pending = VhdxLog.pendingEntry(source, header);
            if (pending != null) {
                problem(report, Check.VHDX_LOG_REPLAY, "the log must be replayed before the file can be read: " + pending);
            }
        }
        return new long[] {offset, offset + length};
    }

    private static void problem(FormatReport report, Check check, String message) throws ImageFormatException {
        if (report == null) {
            throw new ImageFormatException(check, message);
        }
        report.problem(check, message);
    }

    /** The second copy must agree with the first one, which is the copy qemu reads. */
    private static void checkSecondRegionTable(ByteSource source, VhdxRegionTable first, FormatReport report)
            throws IOException {
        byte[] raw = source.readBytes(VhdxRegionTable.SECOND_OFFSET, VhdxRegionTable.SIZE);
        VhdxRegionTable second;
        try {
            second = VhdxRegionTable.parse(raw, VhdxRegionTable.SECOND_OFFSET);
        } catch (ImageFormatException e) {
            if (report != null) {
                report.warning(e.check(), "the second copy of the region table is unusable (" + e.getMessage()
                    + "); the first copy is used");
            }
            return;
        }
        if (!second.sameAs(first)) {
            problem(report, Check.VHDX_REGION_TABLE, "the two copies of the region table differ: tools that read "
                    + "one or the other disagree about where the BAT and metadata are");
        }
    }

    public VhdxHeader header() {
        return header;
    }

    public VhdxRegionTable regionTable() {
        return regionTable;
    }

    public VhdxMetadata metadata() {
        return metadata;
    }

    public VhdxBat bat() {
        return bat;
    }

    public long virtualSize() {
        return metadata.virtualDiskSize();
    }

    /** {@code differencing} with a parent, {@code fixed} when fully provisioned, else {@code dynamic}. */
    public String subformat() {
        return metadata.hasParent() ? "differencing" : metadata.leaveBlocksAllocated() ? "fixed" : "dynamic";
    }
}
