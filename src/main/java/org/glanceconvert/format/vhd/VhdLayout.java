package org.glanceconvert.format.vhd;

import java.io.IOException;
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
 * Where everything is in one VHD file: the footer that rules, the data area of a fixed disk, or
 * the dynamic header and BAT of a dynamic one. Parsing records what makes the image unsafe but
 * still readable in structure (checksum mismatches, a parent) in the report, and throws
 * {@link ImageFormatException} for what stops it (offsets outside the file, impossible sizes).
 */
public final class VhdLayout {
    /** Below 4 KiB qemu computes a bitmap size of 0 where the spec says 512: tools would disagree. */
    private static final long MIN_BLOCK_SIZE = 4096;
    private static final long MAX_BLOCK_SIZE = 1L << 31;

    private final long fileSize;
    private final VhdFooter footer;
    private final long footerOffset;
    private final long virtualSize;
    private final VhdDynamicHeader header;
    private final VhdBat bat;

    private VhdLayout(long fileSize, VhdFooter footer, long footerOffset, long virtualSize,
                      VhdDynamicHeader header, VhdBat bat) {
        this.fileSize = fileSize;
        this.footer = footer;
        this.footerOffset = footerOffset;
        this.virtualSize = virtualSize;
        this.header = header;
        this.bat = bat;
    }

    /** True when the source has a footer cookie where a VHD keeps one: at 0, or 512 or 511 bytes before the end. */
    public static boolean hasSignature(ByteSource source) throws IOException {
        long size = source.size();
        return cookieAt(source, 0, size)
                || cookieAt(source, size - VhdFooter.SIZE, size)
                || cookieAt(source, size - VhdFooter.SHORT_SIZE, size);
    }

    private static boolean cookieAt(ByteSource source, long offset, long size) throws IOException {
        return offset >= 0 && offset + VhdFooter.COOKIE.length <= size
                && VhdFooter.hasCookie(source.readBytes(offset, VhdFooter.COOKIE.length), 0);
    }

    /**
     * Parses the footer, and for dynamic and differencing disks the dynamic header and the BAT's
     * location (not its entries: see {@link VhdBat#validateAll()}).
     *
     * @param report where problems that leave the structure readable go, so that one inspection
     *               names them all; null to throw the first one instead (for readers)
     */
    public static VhdLayout read(ByteSource source, Limits limits, FormatReport report) throws IOException {
        long size = source.size();
        if (size < VhdFooter.SHORT_SIZE) {
            throw new ImageFormatException(Check.FORMAT_TRUNCATED, "a VHD of " + size + " bytes cannot hold its footer");
        }
        byte[] head = source.readBytes(0, (int) Math.min(size, VhdFooter.SIZE));
        if (head.length == VhdFooter.SIZE && VhdFooter.hasCookie(head, 0)) {
            return readDynamic(source, limits, report, size, VhdFooter.parse(head));
        }
        return readFixed(source, limits, report, size);
    }

    private static VhdLayout readFixed(ByteSource source, Limits limits, FormatReport report, long size)
            throws IOException {
        long footerOffset;
        byte[] raw;
        if (cookieAt(source, size - VhdFooter.SIZE, size)) {
            footerOffset = size - VhdFooter.SIZE;
            raw = source.readBytes(footerOffset, VhdFooter.SIZE);
        } else if (cookieAt(source, size - VhdFooter.SHORT_SIZE, size)) {
            footerOffset = size - VhdFooter.SHORT_SIZE;
            raw = source.readBytes(footerOffset, VhdFooter.SHORT_SIZE);
        } else {
            throw new ImageFormatException(Check.VHD_FOOTER, "no VHD footer at the start or the end of the file");
        }
        VhdFooter footer = VhdFooter.parse(raw);
        VhdFooter.DiskType type = diskType(footer);
        if (type != VhdFooter.DiskType.FIXED) {
            throw new ImageFormatException(Check.VHD_FOOTER, "the footer at the end says " + type.subformat()
                    + " disk, but there is no copy of it at offset 0 where such a disk must have one");
        }
        checkFooterChecksum(footer, report);
        long virtualSize = virtualSize(footer, limits);
        if (virtualSize > footerOffset) {
            throw new ImageFormatException(Check.VHD_FOOTER, "the footer claims a virtual size of " + virtualSize
                    + " bytes, but only " + footerOffset + " bytes of data precede it");
        }
        return new VhdLayout(size, footer, footerOffset, virtualSize, null, null);
    }

    private static VhdLayout readDynamic(ByteSource source, Limits limits, FormatReport report, long size,
                                         VhdFooter footer) throws IOException {
        VhdFooter.DiskType type = diskType(footer);
        if (type == VhdFooter.DiskType.FIXED) {
            throw new ImageFormatException(Check.VHD_FOOTER, "the file starts with a footer of a fixed disk: "
                    + "qemu reads such a file as a dynamic disk, other tools as a fixed disk holding a footer");
        }
        long dataEnd = size;
        if (size >= 2L * VhdFooter.SIZE) {
            byte[] tail = source.readBytes(size - VhdFooter.SIZE, VhdFooter.SIZE);
            if (!VhdFooter.hasCookie(tail, 0)) {
                problem(report, Check.FORMAT_TRUNCATED, "no footer at the end of the dynamic disk: the file was cut short");
            } else {
                dataEnd = size - VhdFooter.SIZE;
                if (!Arrays.equals(tail, footer.bytes())) {
                    problem(report, Check.VHD_FOOTER, "the footer at the end of the file differs from its copy at "
                            + "offset 0: tools that read one or the other disagree about the disk");
                }
            }
        }
        checkFooterChecksum(footer, report);
        long virtualSize = virtualSize(footer, limits);

        long headerOffset = footer.dataOffset();
        if (headerOffset < VhdFooter.SIZE || headerOffset > dataEnd - VhdDynamicHeader.SIZE) {
            throw unreadableHeader(report, type, "the dynamic header offset "
                    + Long.toUnsignedString(headerOffset) + " is outside the " + size + "-byte file");
        }
        byte[] rawHeader = source.readBytes(headerOffset, VhdDynamicHeader.SIZE);
        if (!VhdDynamicHeader.hasCookie(rawHeader)) {
            throw unreadableHeader(report, type, "no dynamic disk header (cxsparse) at " + headerOffset);
        }
        VhdDynamicHeader header = VhdDynamicHeader.parse(rawHeader);
        if (!header.checksumValid()) {
            problem(report, Check.VHD_HEADER_CHECKSUM, String.format("dynamic header checksum is 0x%08x, "
                    + "its bytes sum to 0x%08x", header.storedChecksum(), header.computedChecksum()));
        }
        checkParent(type, header, report);

        long blockSize = header.blockSize();
        if (Long.bitCount(blockSize) != 1 || blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
            throw new ImageFormatException(Check.VHD_HEADER, "block size " + blockSize
                    + " is not a power of two between " + MIN_BLOCK_SIZE + " and " + MAX_BLOCK_SIZE);
        }
        long entries = header.maxTableEntries();
        if (entries * blockSize < virtualSize) {
            throw new ImageFormatException(Check.VHD_HEADER, "the BAT's " + entries + " entries of " + blockSize
                    + " bytes cover less than the virtual size of " + virtualSize + " bytes");
        }
        if (entries > Integer.MAX_VALUE / 4) {
            throw new ImageFormatException(Check.VHD_HEADER, "the BAT claims " + entries + " entries");
        }
        limits.checkTableBytes("VHD BAT", entries * 4);
        long tableOffset = header.tableOffset();
        long tableEnd = tableOffset + entries * 4;
        if (tableOffset < VhdFooter.SIZE || tableOffset > dataEnd || tableEnd > dataEnd) {
            throw new ImageFormatException(Check.VHD_BAT, "the BAT at " + Long.toUnsignedString(tableOffset)
                    + " (" + entries * 4 + " bytes) is outside the data area, which ends at " + dataEnd);
        }
        if (tableOffset < headerOffset + VhdDynamicHeader.SIZE && headerOffset < tableEnd) {
            throw new ImageFormatException(Check.VHD_BAT, "the BAT at " + tableOffset
                    + " overlaps the dynamic header at " + headerOffset);
        }
        List<FileRegion> reserved = new ArrayList<>();
        reserved.add(new FileRegion("footer copy", 0, VhdFooter.SIZE));
        reserved.add(new FileRegion("dynamic header", headerOffset, headerOffset + VhdDynamicHeader.SIZE));
        reserved.add(new FileRegion("BAT", tableOffset, tableEnd));
        VhdBat bat = new VhdBat(source, tableOffset, (int) entries, blockSize, header.bitmapSize(), dataEnd,
                reserved, limits.maxCacheBytes() / 2);
        return new VhdLayout(size, footer, dataEnd, virtualSize, header, bat);
    }

    private static void problem(FormatReport report, Check check, String message) throws ImageFormatException {
        if (report == null) {
            throw new ImageFormatException(check, message);
        }
        report.problem(check, message);
    }

    /** A differencing disk is reported as such even when its header, which names the parent, is broken. */
    private static ImageFormatException unreadableHeader(FormatReport report, VhdFooter.DiskType type, String message)
            throws ImageFormatException {
        if (type == VhdFooter.DiskType.DIFFERENCING) {
            problem(report, Check.VHD_DIFFERENCING, "a differencing disk: its content lives partly in a parent image");
        }
        return new ImageFormatException(Check.VHD_HEADER, message);
    }

    private static VhdFooter.DiskType diskType(VhdFooter footer) throws ImageFormatException {
        VhdFooter.DiskType type = footer.diskType();
        if (type == null) {
            throw new ImageFormatException(Check.VHD_FOOTER, "disk type " + footer.diskTypeCode()
                    + " is none of fixed (2), dynamic (3) or differencing (4)");
        }
        return type;
    }

    private static void checkFooterChecksum(VhdFooter footer, FormatReport report) throws ImageFormatException {
        if (!footer.checksumValid()) {
            problem(report, Check.VHD_CHECKSUM, String.format("footer checksum is 0x%08x, its bytes sum to 0x%08x",
                    footer.storedChecksum(), footer.computedChecksum()));
        }
    }

    private static long virtualSize(VhdFooter footer, Limits limits) throws ImageFormatException {
        long sectors = footer.virtualSectors();
        if (Long.compareUnsigned(sectors, VhdFooter.MAX_SECTORS) > 0) {
            throw new ImageFormatException(Check.VHD_FOOTER, "virtual size of " + Long.toUnsignedString(sectors)
                    + " sectors is beyond the VHD maximum of 2040 GiB");
        }
        long size = sectors * 512;
        limits.checkVirtualSize(size);
        return size;
    }

    private static void checkParent(VhdFooter.DiskType type, VhdDynamicHeader header, FormatReport report)
            throws ImageFormatException {
        List<VhdDynamicHeader.ParentLocator> locators = header.parentLocators();
        if (type != VhdFooter.DiskType.DIFFERENCING && locators.isEmpty()) {
            return;
        }
        StringBuilder why = new StringBuilder(type == VhdFooter.DiskType.DIFFERENCING
                ? "a differencing disk: its content lives partly in a parent image"
                : "a dynamic disk with parent locators, which point at another file");
        String parent = header.parentName();
        if (!parent.isEmpty()) {
            why.append(" (parent \"").append(parent.length() > 200 ? parent.substring(0, 200) + "..." : parent)
                    .append("\")");
        }
        if (!locators.isEmpty()) {
            why.append("; parent locators: ").append(locators.stream().map(VhdDynamicHeader.ParentLocator::platformCode)
                    .map(String::strip).toList());
        }
        problem(report, Check.VHD_DIFFERENCING, why.toString());
    }

    public long fileSize() {
        return fileSize;
    }

    /** The footer that rules: the copy at offset 0 for dynamic disks, the one at the end for fixed disks. */
    public VhdFooter footer() {
        return footer;
    }

    /** Where the data of a fixed disk ends and its footer begins; for a dynamic disk, where block data must end. */
    public long footerOffset() {
        return footerOffset;
    }

    public long virtualSize() {
        return virtualSize;
    }

    public VhdFooter.DiskType diskType() {
        return footer.diskType();
    }

    public boolean fixed() {
        return header == null;
    }

    /** The dynamic header, or null for a fixed disk. */
    public VhdDynamicHeader header() {
        return header;
    }

    /** The BAT, or null for a fixed disk. */
    public VhdBat bat() {
        return bat;
    }
}
