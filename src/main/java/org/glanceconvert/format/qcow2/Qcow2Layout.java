package org.glanceconvert.format.qcow2;

import java.io.IOException;
import org.glanceconvert.convert.Span;
import org.glanceconvert.convert.SpanPlanner;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.VirtualDisk;

/**
 * Where everything of a streamed qcow2 image goes, decided from the source's allocation map
 * before the first byte is written, so that the image can be emitted strictly in order:
 *
 * <pre>
 *   header | refcount table | refcount blocks | L1 table | L2 tables | data clusters
 * </pre>
 *
 * Every cluster has refcount 1. A guest cluster is a data cluster when the source's metadata
 * says any byte of it is data. Data that turns out to be all zero when read is still written as
 * a data cluster: this writer cannot know it without reading every data byte twice. Callers
 * that can afford that pass (or make one anyway) present the source through a
 * {@link org.glanceconvert.image.ZeroMappedDisk}, whose extents show those zeros: the daemon
 * builds its map in the content digest pass, {@code convert ... -} in a pre-scan. File output
 * (which can seek) finds them as it copies.
 */
final class Qcow2Layout {
    final Qcow2WriteSettings settings;
    final long virtualSize;
    /** Data clusters in each L2 range, by L1 index. */
    final int[] dataClustersPerTable;
    final long l2Tables;
    final long dataClusters;
    final int l1Clusters;
    final long refcountTableClusters;
    final long refcountBlocks;
    final long totalClusters;

    private Qcow2Layout(Qcow2WriteSettings settings, long virtualSize, int[] dataClustersPerTable) {
        this.settings = settings;
        this.virtualSize = virtualSize;
        this.dataClustersPerTable = dataClustersPerTable;
        long tables = 0;
        long data = 0;
        for (int count : dataClustersPerTable) {
            if (count > 0) {
                tables++;
                data += count;
            }
        }
        this.l2Tables = tables;
        this.dataClusters = data;
        this.l1Clusters = settings.l1Clusters(virtualSize);
        long fixed = 1 + l1Clusters + l2Tables + dataClusters;
        long table = 1;
        long blocks = 0;
        while (true) {
            long total = fixed + table + blocks;
            long neededBlocks = (total + settings.refcountEntries() - 1) / settings.refcountEntries();
            long neededTable = Math.max(1, (neededBlocks * 8 + settings.clusterSize() - 1) / settings.clusterSize());
            if (neededBlocks == blocks && neededTable == table) {
                break;
            }
            blocks = neededBlocks;
            table = Math.max(table, neededTable);
        }
        this.refcountTableClusters = table;
        this.refcountBlocks = blocks;
        this.totalClusters = fixed + table + blocks;
    }

    /** Walks the source's allocation map and counts the data clusters under each L2 table. */
    static Qcow2Layout plan(Qcow2WriteSettings settings, VirtualDisk source) throws IOException {
        settings.checkVirtualSize(source.size());
        int[] counts = new int[Math.toIntExact(settings.l1Entries(source.size()))];
        int bits = settings.clusterBits();
        long perTable = settings.l2Entries();
        SpanPlanner planner = new SpanPlanner(source, settings.clusterSize());
        for (Span span = planner.next(); span != null; span = planner.next()) {
            if (!span.mayHoldData()) {
                continue;
            }
            long first = span.start() >>> bits;
            long end = (span.end() + settings.clusterSize() - 1) >>> bits;
            while (first < end) {
                long table = first / perTable;
                long tableEnd = Math.min(end, (table + 1) * perTable);
                counts[(int) table] += (int) (tableEnd - first);
                first = tableEnd;
            }
        }
        Qcow2Layout layout = new Qcow2Layout(settings, source.size(), counts);
        if (layout.refcountBlocks * 8 > Qcow2WriteSettings.MAX_REFCOUNT_TABLE_BYTES) {
            throw new ImageFormatException(Check.LIMITS_TABLE_SIZE, "the qcow2 output would need a refcount table of "
                    + layout.refcountBlocks * 8 + " bytes, more than qemu's limit of "
                    + Qcow2WriteSettings.MAX_REFCOUNT_TABLE_BYTES + "; choose a larger cluster_size");
        }
        return layout;
    }

    long refcountTableOffset() {
        return cluster(1);
    }

    long refcountBlocksOffset() {
        return cluster(1 + refcountTableClusters);
    }

    long l1Offset() {
        return cluster(1 + refcountTableClusters + refcountBlocks);
    }

    long l2Offset() {
        return l1Offset() + cluster(l1Clusters);
    }

    long dataOffset() {
        return l2Offset() + cluster(l2Tables);
    }

    /** Length of the whole image. */
    long imageLength() {
        return cluster(totalClusters);
    }

    private long cluster(long index) {
        return index << settings.clusterBits();
    }
}
