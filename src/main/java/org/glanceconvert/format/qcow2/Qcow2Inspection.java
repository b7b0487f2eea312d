package org.glanceconvert.format.qcow2;

import static org.glanceconvert.format.qcow2.SourceReads.getInt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.inspect.Finding;

/**
 * One pass over a qcow2 image's header, header extensions, L1 table and refcount table, as
 * {@code inspect} needs it: every field range-checked, every table entry bounds-checked, every
 * failed check recorded in the report. The reader and the checker start from the same pass, so
 * they trust exactly what inspect accepted.
 */
final class Qcow2Inspection {
    static final String NAME = "qcow2";
    /** qemu's QCOW_MAX_SNAPSHOTS: more is not an image qemu would open. */
    private static final long MAX_SNAPSHOTS = 65536;
    private static final long SNAPSHOT_ENTRY_MIN = 40;
    private static final long MAX_BACKING_NAME = 1023;
    /** Bad table entries reported one by one before the rest are only counted. */
    private static final int ENTRY_REPORTS = 8;

    final FormatReport report = new FormatReport(NAME);
    final long fileSize;
    Qcow2Header header;
    HeaderExtensions extensions;
    /** Non-null once header fields are sane enough to compute the layout. */
    Qcow2Geometry geometry;
    /** The active L1 table, when it was inside the file and within limits (entries checked). */
    long[] l1;
    /** The refcount table, when it was inside the file and within limits (entries checked). */
    long[] refcountTable;
    /** Header cluster, L1, refcount table, L2 tables and refcount blocks; null if not all read. */
    MetadataRegions metadata;

    private final ByteSource source;
    private final Limits limits;

    private Qcow2Inspection(ByteSource source, Limits limits) throws IOException {
        this.source = source;
        this.limits = limits;
        this.fileSize = source.size();
    }

    static Qcow2Inspection run(ByteSource source, Limits limits) throws IOException {
        Qcow2Inspection inspection = new Qcow2Inspection(source, limits);
        inspection.inspect();
        return inspection;
    }

    /** True when the L1 and refcount tables were read, so the image can be walked. */
    boolean tablesRead() {
        return l1 != null && refcountTable != null && metadata != null;
    }

    private void inspect() throws IOException {
        if (fileSize < Qcow2Header.V2_LENGTH) {
            throw new ImageFormatException(Check.FORMAT_TRUNCATED,
                    "a qcow2 header needs " + Qcow2Header.V2_LENGTH + " bytes; the file has " + fileSize);
        }
        byte[] fixed = SourceReads.readBytes(source, 0, (int) Math.min(fileSize, Qcow2Header.KNOWN_LENGTH), "header");
        if (getInt(fixed, 0) != Qcow2Header.MAGIC) {
            report.problem(Check.FORMAT_MISMATCH, "no qcow2 magic");
            return;
        }
        header = new Qcow2Header(fixed);
        if (header.version != 2 && header.version != 3) {
            report.problem(Check.QCOW2_VERSION, "qcow2 version " + Integer.toUnsignedString(header.version)
                    + " (only 2 and 3 are defined)");
            return;
        }
        report.subformat("v" + header.version);
        if (header.version >= 3 && fixed.length < Qcow2Header.V3_MIN_LENGTH) {
            throw new ImageFormatException(Check.FORMAT_TRUNCATED, "the file ends inside the version 3 header");
        }
        boolean layoutOk = checkClusterBits() & checkHeaderLength();
        boolean sizeOk = checkVirtualSize();
        checkFeatures();
        if (layoutOk) {
            readExtensions();
        }
        checkUnknownFeatureBits();
        checkBackingFile(layoutOk);
        checkEncryption();
        if (!layoutOk) {
            return;
        }
        boolean refcountOrderOk = checkRefcountOrder();
        checkSnapshots();
        if (!sizeOk) {
            return; // the layout depends on the size
        }
        geometry = new Qcow2Geometry(header, fileSize);
        readL1();
        if (refcountOrderOk) {
            readRefcountTable();
        }
        if (l1 != null) {
            checkL1Entries();
        }
        if (refcountTable != null) {
            checkRefcountEntries();
        }
        if (l1 != null && refcountTable != null) {
            metadata = buildMetadataRegions();
        }
    }

    private boolean checkClusterBits() {
        if (header.clusterBits < 9 || header.clusterBits > 21) {
            report.problem(Check.QCOW2_HEADER, "cluster_bits " + header.clusterBits
                    + " is outside 9..21 (512 B to 2 MiB clusters)");
            return false;
        }
        report.clusterSize(header.clusterSize());
        if (header.extendedL2() && header.clusterBits < 14) {
            report.problem(Check.QCOW2_HEADER, "extended L2 entries need clusters of at least 16 KiB, not "
                    + header.clusterSize());
            return false;
        }
        return true;
    }

    private boolean checkHeaderLength() {
        if (header.version < 3) {
            return true;
        }
        long length = header.headerLength;
        if (length < Qcow2Header.V3_MIN_LENGTH || length % 8 != 0
                || (header.clusterBits >= 9 && header.clusterBits <= 21 && length > header.clusterSize())) {
            report.problem(Check.QCOW2_HEADER, "header_length " + length
                    + " is not a multiple of 8 between 104 and the cluster size");
            return false;
        }
        return true;
    }

    private boolean checkVirtualSize() {
        if (header.size >= 0) {
            report.virtualSize(header.size);
        }
        try {
            limits.checkVirtualSize(header.size);
            return true;
        } catch (ImageFormatException e) {
            report.problem(Finding.of(e));
            return false;
        }
    }

    private boolean checkRefcountOrder() {
        if (header.refcountOrder > 6) {
            report.problem(Check.QCOW2_HEADER, "refcount_order " + header.refcountOrder + " is above 6");
            return false;
        }
        return true;
    }

    private void checkFeatures() {
        long incompatible = header.incompatibleFeatures;
        if ((incompatible & Qcow2Header.INCOMPAT_DIRTY) != 0) {
            report.warning("qcow2.dirty", "the dirty bit is set: the image was not closed cleanly and its"
                    + " refcounts may be stale (data is read through L1/L2 only)");
        }
        if ((incompatible & Qcow2Header.INCOMPAT_CORRUPT) != 0) {
            report.problem(Check.QCOW2_CORRUPT, "the corrupt bit is set: qemu found this image's metadata corrupt");
        }
        if ((incompatible & Qcow2Header.INCOMPAT_DATA_FILE) != 0) {
            report.problem(Check.QCOW2_DATA_FILE, "incompatible feature bit 2: guest data lives in an external"
                    + " data file (CVE-2024-32498)");
        }
        if ((header.autoclearFeatures & Qcow2Header.AUTOCLEAR_RAW_DATA_FILE) != 0) {
            report.problem(Check.QCOW2_DATA_FILE, "autoclear bit 1 (raw external data) is set");
        }
        boolean typeBit = (incompatible & Qcow2Header.INCOMPAT_COMPRESSION_TYPE) != 0;
        int type = header.compressionType;
        if (type > 1) {
            report.problem(Check.QCOW2_HEADER, "unknown compression_type " + type + " (0 zlib, 1 zstd)");
        } else if (typeBit != (type != 0)) {
            report.problem(Check.QCOW2_HEADER, "the compression type bit and compression_type " + type
                    + " disagree");
        }
        long compatible = header.compatibleFeatures;
        if ((compatible & Qcow2Header.COMPAT_LAZY_REFCOUNTS) != 0) {
            report.warning("qcow2.lazy_refcounts", "lazy refcounts are enabled: refcounts may lag behind"
                    + " the tables after an unclean shutdown");
        }
    }

    /** Reports the feature bits this reader does not know, by name when the image names them. */
    private void checkUnknownFeatureBits() {
        long unknown = header.incompatibleFeatures & ~Qcow2Header.INCOMPAT_KNOWN;
        if (unknown != 0) {
            report.problem(Check.QCOW2_INCOMPATIBLE_FEATURES, "unknown incompatible feature "
                    + bitNames(unknown, 0) + ": the image cannot be read correctly without them");
        }
        long unknownCompatible = header.compatibleFeatures & ~Qcow2Header.COMPAT_LAZY_REFCOUNTS;
        if (unknownCompatible != 0) {
            report.warning("qcow2.compatible_features", "unknown compatible feature " + bitNames(unknownCompatible, 1)
                    + " (ignored)");
        }
    }

    private String bitNames(long bits, int type) {
        StringBuilder names = new StringBuilder();
        for (int bit = 0; bit < 64; bit++) {
            if ((bits & (1L << bit)) != 0) {
                names.append(names.length() == 0 ? "" : ", ")
                        .append(extensions == null ? "bit " + bit : extensions.featureName(type, bit));
            }
        }
        return names.toString();
    }

    private void readExtensions() throws IOException {
        int clusterSize = header.clusterSize();
        int available = (int) Math.min(fileSize, clusterSize);
        byte[] cluster = SourceReads.readBytes(source, 0, available, "header cluster");
        int start = (int) (header.version >= 3 ? header.headerLength : Qcow2Header.V2_LENGTH);
        extensions = HeaderExtensions.parse(cluster, start, clusterSize);
        extensions.problems.forEach(report::problem);
        if (extensions.truncated) {
            report.problem(Check.FORMAT_TRUNCATED, "the file ends inside the header extensions");
        }
        if (extensions.dataFile != null) {
            report.problem(Check.QCOW2_DATA_FILE, "external data file name extension: '"
                    + extensions.dataFile + "' (CVE-2024-32498)");
        }
        HeaderExtensions.Bitmaps bitmaps = extensions.bitmaps;
        if (bitmaps != null) {
            long offset = bitmaps.directoryOffset();
            if (offset < clusterSize || (offset & (clusterSize - 1)) != 0 || bitmaps.directorySize() <= 0
                    || bitmaps.directorySize() > fileSize || offset > fileSize - bitmaps.directorySize()) {
                report.problem(Check.QCOW2_EXTENSION, "bitmap directory at " + offset + " (" + bitmaps.directorySize()
                        + " bytes) is not an aligned range of the file after the header cluster");
                extensions.bitmaps = null;
            }
        }
    }

    private void checkBackingFile(boolean layoutOk) throws IOException {
        if (header.backingFileOffset == 0 && header.backingFileSize == 0) {
            return;
        }
        String name = "";
        long offset = header.backingFileOffset;
        long length = header.backingFileSize;
        if (layoutOk && offset > 0 && length > 0 && length <= MAX_BACKING_NAME && offset < header.clusterSize()
                && offset + length <= Math.min(fileSize, header.clusterSize())) {
            byte[] bytes = SourceReads.readBytes(source, offset, (int) length, "backing file name");
            name = " '" + HeaderExtensions.printable(bytes, 0, bytes.length) + "'";
        }
        String format = extensions != null && extensions.backingFormat != null
                ? " (format " + extensions.backingFormat + ")" : "";
        report.problem(Check.QCOW2_BACKING_FILE, "the image has a backing file" + name + format
                + " (backing_file_offset " + offset + ", backing_file_size " + length
                + "): its content lives in another file");
    }

    private void checkEncryption() {
        if (header.cryptMethod != 0) {
            String method = header.cryptMethod == 1 ? "AES" : header.cryptMethod == 2 ? "LUKS"
                    : "unknown method " + header.cryptMethod;
            report.problem(Check.QCOW2_ENCRYPTED, "the image is encrypted (" + method + ")");
        } else if (extensions != null && extensions.encryptionHeader != null) {
            report.problem(Check.QCOW2_ENCRYPTED, "a full disk encryption header extension is present");
        }
    }

    private void checkSnapshots() {
        long count = header.nbSnapshots;
        if (count == 0) {
            return;
        }
        report.warning("qcow2.snapshots", count + " internal snapshot(s) present: only the active state is"
                + " read; snapshots are not carried over");
        long offset = header.snapshotsOffset;
        int clusterSize = header.clusterSize();
        if (count > MAX_SNAPSHOTS || offset < clusterSize || (offset & (clusterSize - 1)) != 0
                || offset > fileSize - count * SNAPSHOT_ENTRY_MIN) {
            report.problem(Check.QCOW2_HEADER, count + " snapshots at offset " + offset
                    + ": not an aligned table inside the file after the header cluster");
        }
    }

    /** Reads the active L1 table into {@link #l1} if it is an aligned range of the file within limits. */
    private void readL1() throws IOException {
        Qcow2Geometry g = geometry;
        long entries = header.l1Size;
        long needed = g.requiredL1Entries();
        if (entries < needed) {
            report.problem(Check.QCOW2_L1_TABLE, "l1_size " + entries + " maps less than the virtual size ("
                    + needed + " entries needed)");
        }
        if (entries == 0) {
            l1 = new long[0];
            return;
        }
        long offset = header.l1TableOffset;
        long bytes = entries * 8;
        if (offset == 0) {
            report.problem(Check.QCOW2_L1_TABLE, "L1 table offset is 0 (the header)");
            return;
        }
        if (!g.clusterAligned(offset)) {
            report.problem(Check.QCOW2_L1_TABLE, "L1 table offset " + offset + " is not cluster aligned");
            return;
        }
        if (offset < 0 || offset < g.clusterSize) {
            report.problem(Check.QCOW2_L1_TABLE, "L1 table at " + offset + " overlaps the header cluster");
            return;
        }
        if (bytes > fileSize || offset > fileSize - bytes) {
            report.problem(Check.QCOW2_L1_TABLE, "L1 table of " + bytes + " bytes at " + offset
                    + " runs past the end of the file (" + fileSize + " bytes)");
            return;
        }
        try {
            limits.checkTableBytes("L1 table", bytes);
        } catch (ImageFormatException e) {
            report.problem(Finding.of(e));
            return;
        }
        l1 = readTable(offset, (int) entries, "L1 table");
    }

    /** Reads the refcount table into {@link #refcountTable} if it is an aligned range of the file within limits. */
    private void readRefcountTable() throws IOException {
        Qcow2Geometry g = geometry;
        long offset = header.refcountTableOffset;
        long clusters = header.refcountTableClusters;
        if (offset == 0) {
            report.problem(Check.QCOW2_REFCOUNT_TABLE, "refcount table offset is 0 (the header)");
            return;
        }
        if (!g.clusterAligned(offset)) {
            report.problem(Check.QCOW2_REFCOUNT_TABLE, "refcount table offset " + offset + " is not cluster aligned");
            return;
        }
        if (offset < 0 || offset < g.clusterSize) {
            report.problem(Check.QCOW2_REFCOUNT_TABLE, "refcount table at " + offset + " overlaps the header cluster");
            return;
        }
        if (clusters == 0) {
            report.problem(Check.QCOW2_REFCOUNT_TABLE, "refcount_table_clusters is 0");
            return;
        }
        long bytes = clusters << g.clusterBits;
        if (bytes > fileSize || offset > fileSize - bytes) {
            report.problem(Check.QCOW2_REFCOUNT_TABLE, "refcount table of " + bytes + " bytes at " + offset
                    + " runs past the end of the file (" + fileSize + " bytes)");
            return;
        }
        if (l1 != null && l1.length > 0 && overlap(offset, bytes, header.l1TableOffset, l1.length * 8L)) {
            report.problem(Check.QCOW2_REFCOUNT_TABLE, "refcount table at " + offset + " overlaps the L1 table at "
                    + header.l1TableOffset);
            return;
        }
        try {
            limits.checkTableBytes("refcount table", bytes);
        } catch (ImageFormatException e) {
            report.problem(Finding.of(e));
            return;
        }
        refcountTable = readTable(offset, (int) (bytes / 8), "refcount table");
    }

    private long[] readTable(long offset, int entries, String what) throws IOException {
        long[] table = new long[entries];
        int chunk = 1 << 20;
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min((long) entries * 8, chunk));
        for (int done = 0; done < entries; ) {
            int n = Math.min(entries - done, chunk / 8);
            buffer.clear().limit(n * 8);
            SourceReads.readFully(source, offset + done * 8L, buffer, what);
            buffer.flip();
            buffer.asLongBuffer().get(table, done, n);
            done += n;
        }
        return table;
    }

    private void checkL1Entries() {
        Qcow2Geometry g = geometry;
        long l1Bytes = l1.length * 8L;
        long refcountBytes = header.refcountTableClusters << g.clusterBits;
        int bad = 0;
        for (int i = 0; i < l1.length; i++) {
            long entry = l1[i];
            String why = null;
            long offset = entry & Qcow2Geometry.OFFSET_MASK;
            if ((entry & Qcow2Geometry.L1_RESERVED) != 0) {
                why = "has reserved bits set";
            } else if (offset == 0) {
                continue;
            } else if (!g.clusterAligned(offset)) {
                why = "is not cluster aligned";
            } else if (offset < g.clusterSize) {
                why = "points into the header cluster";
            } else if (offset > fileSize - g.clusterSize) {
                why = "points past the end of the file";
            } else if (overlap(offset, g.clusterSize, header.l1TableOffset, l1Bytes)) {
                why = "points into the L1 table";
            } else if (overlap(offset, g.clusterSize, header.refcountTableOffset, refcountBytes)) {
                why = "points into the refcount table";
            }
            if (why != null) {
                if (bad++ < ENTRY_REPORTS) {
                    report.problem(Check.QCOW2_L2_TABLE, String.format("L1 entry %d (0x%016x, L2 table at %d) %s",
                            i, entry, offset, why));
                }
            }
        }
        if (bad > ENTRY_REPORTS) {
            report.problem(Check.QCOW2_L2_TABLE, (bad - ENTRY_REPORTS) + " more bad L1 entries");
        }
        if (bad > 0) {
            l1 = null;
        }
    }

    private void checkRefcountEntries() {
        Qcow2Geometry g = geometry;
        long refcountBytes = refcountTable.length * 8L;
        long l1Bytes = header.l1Size * 8;
        int bad = 0;
        for (int i = 0; i < refcountTable.length; i++) {
            long entry = refcountTable[i];
            long offset = entry & ~Qcow2Geometry.REFCOUNT_TABLE_RESERVED;
            String why = null;
            if ((entry & Qcow2Geometry.REFCOUNT_TABLE_RESERVED) != 0) {
                why = "has reserved bits set";
            } else if (offset == 0) {
                continue;
            } else if (!g.clusterAligned(offset)) {
                why = "is not cluster aligned";
            } else if (offset < 0 || offset > fileSize - g.clusterSize) {
                why = "points past the end of the file";
            } else if (offset < g.clusterSize) {
                why = "points into the header cluster";
            } else if (overlap(offset, g.clusterSize, header.refcountTableOffset, refcountBytes)) {
                why = "points into the refcount table";
            } else if (header.l1Size > 0 && overlap(offset, g.clusterSize, header.l1TableOffset, l1Bytes)) {
                why = "points into the L1 table";
            }
            if (why != null && bad++ < ENTRY_REPORTS) {
                report.problem(Check.QCOW2_REFCOUNT_TABLE, String.format(
                        "refcount table entry %d (0x%016x, refcount block at %d) %s", i, entry, offset, why));
            }
        }
        if (bad > ENTRY_REPORTS) {
            report.problem(Check.QCOW2_REFCOUNT_TABLE, (bad - ENTRY_REPORTS) + " more bad refcount table entries");
        }
        if (bad > 0) {
            refcountTable = null;
        }
    }

    /**
     * The metadata the reader must never take for data; also reports an L2 table that is at the
     * same time a refcount block.
     */
    private MetadataRegions buildMetadataRegions() {
        Qcow2Geometry g = geometry;
        long[] blocks = Arrays.stream(refcountTable).filter(e -> e != 0).sorted().toArray();
        for (long entry : l1) {
            long offset = entry & Qcow2Geometry.OFFSET_MASK;
            if (offset != 0 && Arrays.binarySearch(blocks, offset) >= 0) {
                report.problem(Check.QCOW2_OVERLAP, "cluster at " + offset + " is both an L2 table and a refcount block");
                break;
            }
        }
        long[] ranges = {0, g.clusterSize, header.l1TableOffset, l1.length * 8L,
                header.refcountTableOffset, refcountTable.length * 8L};
        return MetadataRegions.of(g.clusterSize, ranges, l1, refcountTable);
    }

    static boolean overlap(long aStart, long aLength, long bStart, long bLength) {
        return aStart < bStart + bLength && bStart < aStart + aLength;
    }
}
