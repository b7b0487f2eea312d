package org.glanceconvert.format.qcow2;

import static org.glanceconvert.format.qcow2.SourceReads.getInt;
import static org.glanceconvert.format.qcow2.SourceReads.getLong;
import static org.glanceconvert.format.qcow2.SourceReads.getShort;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.glanceconvert.format.qcow2.ClusterUsage.Role;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.inspect.Finding;

/**
 * Full structural validation, as QEMU's check does it: every L2 table reachable from the
 * active L1 and from the snapshots' L1 tables is walked once, every cluster the image uses is
 * counted (header, L1 and L2 tables, refcount table and blocks, snapshot table, bitmaps, data and
 * compressed spans), and the counts are compared with the stored refcounts. Two structures in one
 * cluster are an overlap. The counting map is sized by the file, checked against the limits.
 */
final class Qcow2Checker {
    /** Problems of one check reported one by one; the rest are counted. */
    private static final int REPORTS_PER_CHECK = 10;
    private static final int SNAPSHOT_HEADER = 40;
    private static final int BITMAP_ENTRY_HEADER = 24;
    private static final int TABLE_CHUNK_ENTRIES = 1 << 16;

    private final ByteSource source;
    private final Limits limits;
    private final Qcow2Inspection inspection;
    private final Qcow2Header h;
    private final Qcow2Geometry g;
    private final List<Finding> problems;
    private final Map<Check, Integer> counts = new EnumMap<>(Check.class);
    private final StoredRefcounts stored;
    private ClusterUsage usage;
    private final ClusterDecompressor decompressor;
    private byte[] cluster;

    private Qcow2Checker(ByteSource source, Limits limits, Qcow2Inspection inspection, List<Finding> problems) {
        this.source = source;
        this.limits = limits;
        this.inspection = inspection;
        this.h = inspection.header;
        this.g = inspection.geometry;
        this.problems = problems;
        this.stored = new StoredRefcounts(source, g, inspection.refcountTable, limits);
        this.decompressor = ClusterDecompressor.forType(g.compressionType).get();
    }

    static List<Finding> check(ByteSource source, Limits limits) throws IOException {
        Qcow2Inspection inspection;
        try {
            inspection = Qcow2Inspection.run(source, limits);
        } catch (ImageFormatException e) {
            return List.of(Finding.of(e));
        }
        List<Finding> problems = new ArrayList<>(inspection.report.problems());
        if (inspection.tablesRead()) {
            Qcow2Checker checker = new Qcow2Checker(source, limits, inspection, problems);
            try {
                checker.run();
            } catch (ImageFormatException e) {
                problems.add(Finding.of(e));
            } finally {
                checker.decompressor.close();
            }
            checker.summarise();
        }
        return problems;
    }

    private void run() throws IOException {
        long clusters = g.fileClusters();
        try {
            limits.checkTableBytes("the cluster usage map that checking refcounts needs",
                    ClusterUsage.bytesFor(clusters));
            usage = new ClusterUsage(clusters);
        } catch (ImageFormatException e) {
            problems.add(Finding.of(e)); // tables are still walked, refcounts not compared
        }
        mark(0, g.clusterSize, Role.METADATA, 1, "header");
        mark(h.l1TableOffset, inspection.l1.length * 8L, Role.METADATA, 1, "L1 table");
        mark(h.refcountTableOffset, inspection.refcountTable.length * 8L, Role.METADATA, 1, "refcount table");
        for (long block : inspection.refcountTable) {
            if (block != 0) {
                mark(block, g.clusterSize, Role.METADATA, 1, "refcount block");
            }
        }
        HeaderExtensions.EncryptionHeader crypto = inspection.extensions.encryptionHeader;
        if (crypto != null && crypto.offset() >= g.clusterSize && g.clusterAligned(crypto.offset())
                && crypto.length() > 0 && crypto.length() <= g.fileSize - crypto.offset()) {
            mark(crypto.offset(), crypto.length(), Role.METADATA, 1, "encryption header");
        }
        markBitmaps();
        markSnapshots();
        long[] l1 = inspection.l1;
        for (long entry : l1) {
            long l2 = entry & Qcow2Geometry.OFFSET_MASK;
            if (l2 != 0) {
                mark(l2, g.clusterSize, Role.L2_TABLE, 1, "L2 table");
            }
        }
        walkActive(l1);
        if (usage != null) {
            for (long c = 0; c < usage.clusters(); c++) {
                if (usage.role(c) == Role.L2_TABLE && usage.markWalked(c)) {
                    walkL2(c * g.clusterSize, usage.count(c), -1, false);
                }
            }
            compareRefcounts();
        }
    }

    /** The active L1's tables: entries checked against the guest range they map, COPIED flags too. */
    private void walkActive(long[] l1) throws IOException {
        for (int i = 0; i < l1.length; i++) {
            long l2 = l1[i] & Qcow2Geometry.OFFSET_MASK;
            if (l2 == 0) {
                continue;
            }
            boolean copied = (l1[i] & Qcow2Geometry.COPIED) != 0;
            long refcount = stored.get(l2 / g.clusterSize);
            if ((refcount == 1) != copied) {
                problem(Check.QCOW2_REFCOUNT, String.format("L1 entry %d: L2 table at %d has refcount %s but"
                        + " the COPIED flag %s", i, l2, Long.toUnsignedString(refcount), copied ? "set" : "clear"));
            }
            long cluster = l2 / g.clusterSize;
            if (usage == null || usage.markWalked(cluster)) {
                walkL2(l2, usage == null ? 1 : usage.count(cluster), i * g.l2Coverage(), true);
            }
        }
    }

    /**
     * Checks every entry of the L2 table at {@code offset} and counts {@code references} references
     * (one per L1 entry naming the table) to each cluster it uses.
     *
     * @param guestBase virtual offset the table maps for the active L1, or -1
     */
    private void walkL2(long offset, int references, long guestBase, boolean active) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(g.clusterSize);
        SourceReads.readFully(source, offset, bytes, "L2 table at " + offset);
        bytes.flip();
        long[] table = new long[g.clusterSize / 8];
        bytes.asLongBuffer().get(table);
        for (int index = 0; index < g.l2Entries; index++) {
            long entry = table[index * g.l2EntryLongs];
            long bitmap = g.extendedL2 ? table[index * 2 + 1] : 0;
            if (entry == 0 && bitmap == 0) {
                continue;
            }
            if (L2Entry.compressed(entry)) {
                String problem = L2Entry.compressedProblem(g, entry, bitmap);
                if (problem == null && (entry & Qcow2Geometry.COPIED) != 0) {
                    problem = "is compressed but has the COPIED flag";
                }
                if (problem != null) {
                    problem(Check.QCOW2_COMPRESSED_CLUSTER, where(offset, index, entry) + " " + problem);
                    continue;
                }
                long start = g.compressedOffset(entry) & ~511L;
                long sectors = ((entry >>> g.compressedSizeShift) & g.compressedSizeMask) + 1;
                mark(start, Math.min(sectors * 512, g.fileSize - start), Role.DATA, references,
                        "compressed data");
                decompress(offset, index, entry);
                continue;
            }
            String problem = L2Entry.standardProblem(g, entry, bitmap);
            long host = L2Entry.hostOffset(entry);
            if (problem == null && host != 0) {
                long guest = guestBase < 0 ? -1 : guestBase + (long) index * g.clusterSize;
                long needed = guest < 0 || guest >= g.virtualSize ? g.clusterSize
                        : Math.min(g.clusterSize, g.virtualSize - guest);
                if (host > g.fileSize - needed) {
                    problem = "points past the end of the file";
                } else if (host < g.clusterSize) {
                    problem = "points into the header cluster";
                }
            }
            if (problem != null) {
                problem(Check.QCOW2_DATA_CLUSTER, where(offset, index, entry) + " " + problem);
                continue;
            }
            if (host == 0) {
                continue;
            }
            mark(host, g.clusterSize, Role.DATA, references, "a data cluster");
            if (active) {
                boolean copied = (entry & Qcow2Geometry.COPIED) != 0;
                long refcount = stored.get(host / g.clusterSize);
                if ((refcount == 1) != copied) {
                    problem(Check.QCOW2_REFCOUNT, where(offset, index, entry) + ": data cluster has refcount "
                            + Long.toUnsignedString(refcount) + " but the COPIED flag " + (copied ? "set" : "clear"));
                }
            }
        }
    }

    /** Reading would decompress the cluster: check finds what reading would find. */
    private void decompress(long table, int index, long entry) throws IOException {
        int length = L2Entry.compressedBytesInFile(g, entry);
        byte[] input = SourceReads.readBytes(source, g.compressedOffset(entry), length, "compressed cluster");
        if (cluster == null) {
            cluster = new byte[g.clusterSize];
        }
        try {
            decompressor.decompress(input, length, java.nio.ByteBuffer.wrap(cluster));
        } catch (ImageFormatException e) {
            problem(Check.QCOW2_COMPRESSED_CLUSTER, where(table, index, entry) + ": " + e.getMessage());
        }
    }

    private static String where(long table, int index, long entry) {
        return String.format("L2 table at %d, entry %d (0x%016x)", table, index, entry);
    }

    /** A snapshot's entry in the snapshot table: where its L1 table is. */
    private record Snapshot(int index, long l1Offset, long l1Size) {
    }

    private void markSnapshots() throws IOException {
        long count = h.nbSnapshots;
        if (count == 0 || count > 65536 || !g.clusterAligned(h.snapshotsOffset) || h.snapshotsOffset < g.clusterSize) {
            return; // inspect reported a bad table
        }
        List<Snapshot> snapshots = new ArrayList<>();
        long pos = h.snapshotsOffset;
        for (int i = 0; i < count; i++) {
            if (pos > g.fileSize - SNAPSHOT_HEADER) {
                problem(Check.QCOW2_HEADER, "the snapshot table runs past the end of the file at snapshot " + i);
                return;
            }
            byte[] e = SourceReads.readBytes(source, pos, SNAPSHOT_HEADER, "snapshot table");
            long extra = getInt(e, 36) & 0xFFFF_FFFFL;
            long size = (SNAPSHOT_HEADER + extra + getShort(e, 12) + getShort(e, 14) + 7) & ~7L;
            if (size > g.fileSize - pos) {
                problem(Check.QCOW2_HEADER, "snapshot " + i + " runs past the end of the file");
                return;
            }
            snapshots.add(new Snapshot(i, getLong(e, 0), getInt(e, 8) & 0xFFFF_FFFFL));
            pos += size;
        }
        mark(h.snapshotsOffset, pos - h.snapshotsOffset, Role.METADATA, 1, "snapshot table");
        for (Snapshot s : snapshots) {
            markSnapshotL1(s);
        }
    }

    private void markSnapshotL1(Snapshot s) throws IOException {
        if (s.l1Size == 0) {
            return;
        }
        long bytes = s.l1Size * 8;
        String what = "L1 table of snapshot " + s.index + " at " + s.l1Offset;
        if (!tablePlaced(s.l1Offset, bytes, what + " (" + bytes + " bytes)", Check.QCOW2_L1_TABLE)
                || mark(s.l1Offset, bytes, Role.METADATA, 1, what)) {
            return; // shares clusters with other metadata: reported, and not walked twice
        }
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(bytes, TABLE_CHUNK_ENTRIES * 8L));
        for (long done = 0; done < s.l1Size; ) {
            int n = (int) Math.min(s.l1Size - done, TABLE_CHUNK_ENTRIES);
            chunk.clear().limit(n * 8);
            SourceReads.readFully(source, s.l1Offset + done * 8, chunk, what);
            chunk.flip();
            for (int k = 0; k < n; k++) {
                long entry = chunk.getLong();
                long l2 = entry & Qcow2Geometry.OFFSET_MASK;
                if ((entry & Qcow2Geometry.L1_RESERVED) != 0 || !g.clusterAligned(l2)
                        || (l2 != 0 && (l2 < g.clusterSize || l2 > g.fileSize - g.clusterSize))) {
                    problem(Check.QCOW2_L2_TABLE, String.format("%s entry %d (0x%016x) has reserved bits set, is"
                            + " misaligned, or points into the header or past the end of the file", what, done + k, entry));
                } else if (l2 != 0) {
                    mark(l2, g.clusterSize, Role.L2_TABLE, 1, "L2 table");
                }
            }
            done += n;
        }
    }

    /**
     * True when a table of {@code bytes} at {@code offset} is cluster-aligned, after the header,
     * inside the file and within the table limit; otherwise reports {@code described} under
     * {@code check} (or the limit's own finding) and answers false.
     */
    private boolean tablePlaced(long offset, long bytes, String described, Check check) {
        if (!g.clusterAligned(offset) || offset < g.clusterSize || bytes > g.fileSize || offset > g.fileSize - bytes) {
            problem(check, described + " is misaligned, in the header or past the end of the file");
            return false;
        }
        try {
            limits.checkTableBytes(described, bytes);
        } catch (ImageFormatException e) {
            problems.add(Finding.of(e));
            return false;
        }
        return true;
    }

    private void markBitmaps() throws IOException {
        HeaderExtensions.Bitmaps bitmaps = inspection.extensions.bitmaps;
        if (bitmaps == null) {
            return;
        }
        long size = bitmaps.directorySize();
        try {
            limits.checkTableBytes("bitmap directory", size);
        } catch (ImageFormatException e) {
            problems.add(Finding.of(e));
            return;
        }
        byte[] dir = SourceReads.readBytes(source, bitmaps.directoryOffset(), (int) size, "bitmap directory");
        if (mark(bitmaps.directoryOffset(), size, Role.METADATA, 1, "bitmap directory")) {
            return;
        }
        long pos = 0;
        for (long i = 0; i < bitmaps.count(); i++) {
            if (pos + BITMAP_ENTRY_HEADER > size) {
                problem(Check.QCOW2_EXTENSION, "bitmap directory ends before bitmap " + i);
                return;
            }
            int at = (int) pos;
            long tableOffset = getLong(dir, at);
            long tableSize = getInt(dir, at + 8) & 0xFFFF_FFFFL;
            long extra = getInt(dir, at + 20) & 0xFFFF_FFFFL;
            pos = (pos + BITMAP_ENTRY_HEADER + extra + getShort(dir, at + 18) + 7) & ~7L;
            markBitmapTable(i, tableOffset, tableSize);
        }
    }

    private void markBitmapTable(long index, long offset, long entries) throws IOException {
        long bytes = entries * 8;
        String what = "table of bitmap " + index + " at " + offset;
        if (!tablePlaced(offset, bytes, what, Check.QCOW2_EXTENSION)
                || entries == 0 || mark(offset, bytes, Role.METADATA, 1, what)) {
            return;
        }
        byte[] table = SourceReads.readBytes(source, offset, (int) bytes, what);
        for (int k = 0; k < entries; k++) {
            long entry = getLong(table, k * 8);
            long data = entry & Qcow2Geometry.OFFSET_MASK;
            if (data == 0) {
                continue;
            }
            if ((entry & ~Qcow2Geometry.OFFSET_MASK) != 0 || !g.clusterAligned(data) || data < g.clusterSize
                    || data > g.fileSize - g.clusterSize) {
                problem(Check.QCOW2_EXTENSION, String.format("%s entry %d (0x%016x) is not a valid cluster", what, k, entry));
            } else {
                mark(data, g.clusterSize, Role.METADATA, 1, "bitmap data");
            }
        }
    }

    /**
     * Counts {@code references} references to every cluster of {@code [start, start + length)}.
     *
     * @return true when a cluster already belonged to a structure of another kind (reported)
     */
    private boolean mark(long start, long length, Role role, int references, String what) {
        if (usage == null || length <= 0) {
            return false;
        }
        boolean conflict = false;
        long first = start / g.clusterSize;
        long last = Math.min((start + length - 1) / g.clusterSize, usage.clusters() - 1);
        for (long c = first; c <= last; c++) {
            Role existing = usage.add(c, role, references);
            if (existing != null) {
                conflict = true;
                problem(Check.QCOW2_OVERLAP, "cluster at " + c * g.clusterSize + " is used as " + what
                        + " and already as " + describe(existing));
            }
        }
        return conflict;
    }

    private static String describe(Role role) {
        return switch (role) {
            case DATA -> "guest data";
            case L2_TABLE -> "an L2 table";
            case METADATA -> "other metadata";
            case NONE -> "nothing";
        };
    }

    /** Stored refcounts against counted references, block by block. */
    private void compareRefcounts() throws IOException {
        long clusters = usage.clusters();
        long perBlock = g.refcountBlockEntries();
        long[] table = inspection.refcountTable;
        for (int t = 0; t < table.length; t++) {
            long base = t * perBlock;
            byte[] block = stored.block(t);
            if (block == null && base >= clusters) {
                continue;
            }
            long inFile = Math.max(0, Math.min(perBlock, clusters - base));
            for (int i = 0; i < inFile; i++) {
                long refcount = block == null ? 0 : stored.entry(block, i);
                compare(base + i, refcount, usage.count(base + i));
            }
            if (block != null && inFile < perBlock && !zeroFrom(block, (int) inFile)) {
                problem(Check.QCOW2_REFCOUNT, "refcount block at " + table[t]
                        + " gives refcounts to clusters past the end of the file");
            }
        }
        for (long c = stored.coveredClusters(); c < clusters; c++) {
            if (usage.count(c) > 0) {
                problem(Check.QCOW2_REFCOUNT, "cluster at " + c * g.clusterSize
                        + " is in use but past what the refcount table covers");
            }
        }
    }

    private void compare(long cluster, long refcount, int references) {
        if (refcount == references
                || (references == ClusterUsage.MAX_COUNT && Long.compareUnsigned(refcount, references) >= 0)) {
            return;
        }
        long offset = cluster * g.clusterSize;
        if (references == 0) {
            problem(Check.QCOW2_REFCOUNT, "leaked cluster at " + offset + ": refcount "
                    + Long.toUnsignedString(refcount) + " but nothing uses it");
        } else {
            problem(Check.QCOW2_REFCOUNT, "cluster at " + offset + ": refcount " + Long.toUnsignedString(refcount)
                    + " but " + references + " reference(s)");
        }
    }

    /** True when every refcount from entry {@code first} to the end of the block is zero. */
    private boolean zeroFrom(byte[] block, int first) {
        int entry = first;
        int bits = g.refcountBits();
        while (entry < g.refcountBlockEntries() && ((long) entry * bits) % 8 != 0) {
            if (stored.entry(block, entry++) != 0) {
                return false;
            }
        }
        for (int b = (int) ((long) entry * bits / 8); b < block.length; b++) {
            if (block[b] != 0) {
                return false;
            }
        }
        return true;
    }

    private void problem(Check check, String message) {
        int n = counts.merge(check, 1, Integer::sum);
        if (n <= REPORTS_PER_CHECK) {
            problems.add(Finding.of(check, message));
        }
    }

    private void summarise() {
        counts.forEach((check, n) -> {
            if (n > REPORTS_PER_CHECK) {
                problems.add(Finding.of(check, (n - REPORTS_PER_CHECK) + " more " + check.id() + " problems"));
            }
        });
    }
}
