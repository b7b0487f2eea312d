package org.glanceconvert.format.vdi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Limits;

/**
 * The block map: one 32-bit entry per virtual block, naming the data block that holds it (blocks
 * are numbered in the order they were allocated, from the data offset), or marking it free or
 * zero. Read whole, after its size has passed {@link Limits#checkTableBytes}, and every entry
 * checked before anything follows it.
 */
final class VdiBlockMap {
    private static final int READ_CHUNK = 64 * 1024;

    private final int[] entries;
    private final List<VdiProblem> problems;
    private final long allocatedEntries;

    private VdiBlockMap(int[] entries, List<VdiProblem> problems, long allocatedEntries) {
        this.entries = entries;
        this.problems = problems;
        this.allocatedEntries = allocatedEntries;
    }

    /**
     * Reads and checks the map of a header that has no problems of its own.
     *
     * @throws org.glanceconvert.image.ImageFormatException {@code limits.table_size} when the
     *         map is larger than the limit (checked before anything is read or allocated)
     */
    static VdiBlockMap read(ByteSource source, VdiHeader h, Limits limits) throws IOException {
        long bytes = h.blockMapBytes();
        limits.checkTableBytes("VDI block map", bytes);
        long fileSize = source.size();
        List<VdiProblem> problems = new ArrayList<>();
        long mapEnd = h.blockMapOffset + bytes;
        if (mapEnd > fileSize) {
            problems.add(new VdiProblem(Check.VDI_BLOCK_MAP, "block map of " + bytes + " bytes at offset "
                    + h.blockMapOffset + " runs past the end of the file (" + fileSize + " bytes)"));
            return new VdiBlockMap(new int[0], problems, 0);
        }
        if (h.dataOffset < mapEnd) {
            problems.add(new VdiProblem(Check.VDI_BLOCK_MAP, "data offset " + h.dataOffset
                    + " lies inside the header or the block map (which ends at " + mapEnd + ")"));
            return new VdiBlockMap(new int[0], problems, 0);
        }
        int[] entries = new int[(int) h.blocksInImage];
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(READ_CHUNK, Math.max(bytes, 4)))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < entries.length; ) {
            int n = Math.min(buf.capacity() / 4, entries.length - done);
            buf.clear().limit(n * 4);
            source.readFully(h.blockMapOffset + (long) done * 4, buf);
            buf.flip();
            for (int i = 0; i < n; i++) {
                entries[done + i] = buf.getInt();
            }
            done += n;
        }
        EntryChecker checker = new EntryChecker(h, fileSize);
        for (int i = 0; i < entries.length; i++) {
            checker.check(i, entries[i]);
        }
        problems.addAll(checker.problems());
        return new VdiBlockMap(entries, problems, checker.allocated);
    }

    List<VdiProblem> problems() {
        return problems;
    }

    /** Entries that point at a data block. */
    long allocatedEntries() {
        return allocatedEntries;
    }

    int entry(long block) {
        return entries[(int) block];
    }

    /**
     * Checks entries one by one and remembers the first offence of each kind, so a hostile map
     * with millions of bad entries yields three findings, not millions.
     */
    private static final class EntryChecker {
        private final VdiHeader h;
        private final long fileSize;
        private final BitSet used;
        private long allocated;
        private long outOfRange;
        private long pastEnd;
        private long shared;
        private String firstOutOfRange;
        private String firstPastEnd;
        private String firstShared;

        EntryChecker(VdiHeader h, long fileSize) {
            this.h = h;
            this.fileSize = fileSize;
            this.used = new BitSet((int) Math.min(h.blocksAllocated, h.blocksInImage));
        }

        void check(int block, int entry) {
            if (entry == VdiHeader.ENTRY_FREE || entry == VdiHeader.ENTRY_ZERO) {
                return;
            }
            allocated++;
            long dataBlock = Integer.toUnsignedLong(entry);
            if (dataBlock >= h.blocksAllocated) {
                if (outOfRange++ == 0) {
                    firstOutOfRange = "block " + block + " maps to data block " + dataBlock
                            + " but only " + h.blocksAllocated + " are allocated";
                }
                return;
            }
            long needed = neededBytes(block);
            long end = h.dataOffset + dataBlock * h.blockSize + needed;
            if (end > fileSize) {
                if (pastEnd++ == 0) {
                    firstPastEnd = "block " + block + " maps to data at " + (end - needed) + ".." + end
                            + ", past the end of the file (" + fileSize + " bytes)";
                }
            }
            if (used.get((int) dataBlock)) {
                if (shared++ == 0) {
                    firstShared = "block " + block + " maps to data block " + dataBlock
                            + ", which another block already uses";
                }
            } else {
                used.set((int) dataBlock);
            }
        }

        /** Bytes of a block's data that the virtual disk reads: the last block may be partial. */
        private long neededBytes(long block) {
            long start = block * h.blockSize;
            return Math.max(0, Math.min(h.blockSize, h.diskSize() - start));
        }

        List<VdiProblem> problems() {
            List<VdiProblem> p = new ArrayList<>();
            add(p, outOfRange, firstOutOfRange);
            add(p, pastEnd, firstPastEnd);
            add(p, shared, firstShared);
            return p;
        }

        private static void add(List<VdiProblem> p, long count, String first) {
            if (count > 0) {
                p.add(new VdiProblem(Check.VDI_BLOCK_MAP,
                        first + (count > 1 ? " (and " + (count - 1) + " more such entries)" : "")));
            }
        }
    }
}
