package org.glanceconvert.format.vmdk;

import static org.glanceconvert.format.vmdk.SparseExtentHeader.SECTOR;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.FileRegion;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.inspect.Finding;

/**
 * Structural validation below the grain directory: every grain table and every grain it names
 * lies in the file, outside metadata and apart from every other; a redundant grain directory
 * mirrors the primary one; in a stream every grain marker names its own grain and its data
 * inflates to one grain. Memory is bounded: one grain table (two with a redundant directory) and
 * one grain at a time, plus the claimed file ranges, merged where adjacent.
 */
final class VmdkChecker {
    /** Checking stops after this many problems. */
    private static final int MAX_PROBLEMS = 50;
    /** Memory one claimed range costs in the tree, roughly. */
    private static final int RANGE_COST = 96;

    private final SparseVmdk image;
    private final OccupiedRanges claimed;
    private final List<Finding> problems = new ArrayList<>();

    VmdkChecker(SparseVmdk image, Limits limits) {
        this.image = image;
        this.claimed = new OccupiedRanges((int) Math.min(Integer.MAX_VALUE, limits.maxCacheBytes() / RANGE_COST));
    }

    List<Finding> run() throws IOException {
        for (FileRegion region : image.fixedRegions()) {
            claimed.claim(region.start(), region.end());
        }
        GrainDirectory gd = image.grainDirectory();
        GrainDirectory rgd = image.redundantGrainDirectory();
        if (gd == null) {
            return problems;
        }
        try {
            claimTables(gd, "grain directory");
            if (rgd != null) {
                claimTables(rgd, "redundant grain directory");
            }
            for (int table = 0; table < gd.size() && !full(); table++) {
                checkTable(gd, rgd, table);
            }
        } catch (EOFException e) {
            add(Finding.of(Check.FORMAT_TRUNCATED, "the file ends inside a structure: " + e.getMessage()));
        }
        if (full()) {
            Finding last = problems.get(problems.size() - 1);
            problems.add(new Finding(last.check(), "checking stopped after " + MAX_PROBLEMS + " problems"));
        }
        return problems;
    }

    private void claimTables(GrainDirectory dir, String name) {
        long lead = image.footerLayout() ? SECTOR : 0;
        for (int i = 0; i < dir.size(); i++) {
            long start = dir.tableOffset(i);
            if (start != 0 && claim(start - lead, start + SparseVmdk.GRAIN_TABLE_BYTES) >= 0) {
                add(Finding.of(Check.VMDK_GRAIN_TABLE, "grain table " + i + " of the " + name + " at byte " + start
                        + " overlaps another structure"));
            }
        }
    }

    private void checkTable(GrainDirectory gd, GrainDirectory rgd, int table) throws IOException {
        boolean present = gd.tableOffset(table) != 0;
        if (rgd != null && present != (rgd.tableOffset(table) != 0)) {
            add(Finding.of(Check.VMDK_GRAIN_DIRECTORY, "entry " + table + " of the redundant grain directory "
                    + (present ? "is empty but the primary one has a table" : "has a table but the primary one is empty")));
        }
        if (!present) {
            return;
        }
        int[] entries;
        try {
            entries = GrainTables.load(image, gd, table);
            if (rgd != null && rgd.tableOffset(table) != 0) {
                int[] mirror = GrainTables.load(image, rgd, table);
                int differs = Arrays.mismatch(entries, mirror);
                if (differs >= 0) {
                    add(Finding.of(Check.VMDK_GRAIN_DIRECTORY, "redundant grain table " + table
                            + " disagrees with the primary one at entry " + differs));
                }
            }
        } catch (ImageFormatException e) {
            add(Finding.of(e));
            return;
        }
        long grains = image.effectiveHeader().grainCount();
        for (int i = 0; i < entries.length && !full(); i++) {
            long grain = (long) table * SparseExtentHeader.GTES_PER_GT + i;
            if (grain >= grains) {
                break;
            }
            checkGrain(grain, entries[i]);
        }
    }

    private void checkGrain(long grain, int entry) throws IOException {
        if (entry == 0 || (entry == 1 && image.zeroedGrains())) {
            return;
        }
        long start = Integer.toUnsignedLong(entry) * SECTOR;
        long stored;
        try {
            if (image.effectiveHeader().compressed()) {
                CompressedGrain compressed = CompressedGrain.locate(image, grain, Integer.toUnsignedLong(entry));
                compressed.inflate(image, grain);
                stored = compressed.storedBytes();
            } else {
                image.checkGrainLocation(grain, start, image.grainLength(grain));
                stored = image.effectiveHeader().grainBytes();
            }
        } catch (ImageFormatException e) {
            add(Finding.of(e));
            return;
        }
        long end = Math.min(image.fileSize(), start + stored);
        long other = claim(start, end);
        if (other >= 0) {
            add(Finding.of(Check.VMDK_GRAIN, "grain " + grain + " (virtual byte "
                    + grain * image.effectiveHeader().grainBytes() + ") at byte " + start
                    + " overlaps a grain table or another grain (at byte " + other + ")"));
        }
    }

    /** Claims a range unless tracking would exceed the memory allowed, which is then a problem. */
    private long claim(long start, long end) {
        if (claimed.tooFragmented()) {
            return -1;
        }
        long other = claimed.claim(start, end);
        if (claimed.tooFragmented()) {
            add(Finding.of(Check.LIMITS_TABLE_SIZE, "the grains are spread over too many separate ranges"
                    + " to check for overlaps within the metadata memory limit"));
        }
        return other;
    }

    private void add(Finding finding) {
        if (!full()) {
            problems.add(finding);
        }
    }

    private boolean full() {
        return problems.size() >= MAX_PROBLEMS;
    }
}
