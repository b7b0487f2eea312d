package org.glanceconvert.format.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import org.glanceconvert.convert.ChannelWrites;
import org.glanceconvert.convert.Chunk;
import org.glanceconvert.convert.ChunkPipeline;
import org.glanceconvert.convert.Span;
import org.glanceconvert.convert.SpanPlanner;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.VirtualDisk;

/**
 * Emits an uncompressed qcow2 image strictly in order, each byte once, following a
 * {@link Qcow2Layout}: the tables are computed from the allocation map (walked again for the L2
 * tables), then the data clusters are copied in disk order. The source's allocation map is read
 * three times and its data once.
 */
final class Qcow2StreamWriter {
    private final Qcow2WriteSettings settings;
    private final VirtualDisk source;
    private final WritableByteChannel out;
    private final int threads;
    private final ByteBuffer cluster;

    Qcow2StreamWriter(Qcow2WriteSettings settings, VirtualDisk source, WritableByteChannel out, int threads) {
        this.settings = settings;
        this.source = source;
        this.out = out;
        this.threads = threads;
        this.cluster = ByteBuffer.allocateDirect(settings.clusterSize());
    }

    void write(WriteProgress progress) throws IOException {
        Qcow2Layout layout = Qcow2Layout.plan(settings, source);
        ChannelWrites.writeFully(out, Qcow2Header.encode(settings, source.size(),
                layout.dataClustersPerTable.length, layout.l1Clusters == 0 ? 0 : layout.l1Offset(),
                layout.refcountTableOffset(),
                Math.toIntExact(layout.refcountTableClusters)));
        writeRefcountTable(layout);
        writeRefcountBlocks(layout);
        writeL1(layout);
        writeL2Tables(layout);
        writeData(layout, progress);
    }

    private void writeRefcountTable(Qcow2Layout layout) throws IOException {
        long entriesPerCluster = settings.clusterSize() / 8;
        long block = 0;
        for (long c = 0; c < layout.refcountTableClusters; c++) {
            clear();
            for (int i = 0; i < entriesPerCluster && block < layout.refcountBlocks; i++, block++) {
                cluster.putLong(i * 8, layout.refcountBlocksOffset() + (block << settings.clusterBits()));
            }
            emit();
        }
    }

    private void writeRefcountBlocks(Qcow2Layout layout) throws IOException {
        int entries = settings.refcountEntries();
        for (long b = 0; b < layout.refcountBlocks; b++) {
            clear();
            long first = b * entries;
            long used = Math.min(entries, layout.totalClusters - first);
            for (int i = 0; i < used; i++) {
                cluster.putShort(i * 2, (short) 1);
            }
            emit();
        }
    }

    private void writeL1(Qcow2Layout layout) throws IOException {
        int perCluster = settings.clusterSize() / 8;
        int[] counts = layout.dataClustersPerTable;
        long nextTable = layout.l2Offset();
        int index = 0;
        for (int c = 0; c < layout.l1Clusters; c++) {
            clear();
            for (int i = 0; i < perCluster && index < counts.length; i++, index++) {
                if (counts[index] > 0) {
                    cluster.putLong(i * 8, Qcow2TableEntries.allocated(nextTable));
                    nextTable += settings.clusterSize();
                }
            }
            emit();
        }
    }

    /** Walks the allocation map again, giving data clusters consecutive host clusters in disk order. */
    private void writeL2Tables(Qcow2Layout layout) throws IOException {
        int bits = settings.clusterBits();
        long perTable = settings.l2Entries();
        long nextData = layout.dataOffset();
        long tablesWritten = 0;
        long table = -1;
        SpanPlanner planner = new SpanPlanner(source, settings.clusterSize());
        for (Span span = planner.next(); span != null; span = planner.next()) {
            if (!span.mayHoldData()) {
                continue;
            }
            long end = (span.end() + settings.clusterSize() - 1) >>> bits;
            for (long c = span.start() >>> bits; c < end; c++) {
                if (c / perTable != table) {
                    if (table >= 0) {
                        emit();
                        tablesWritten++;
                    }
                    table = c / perTable;
                    clear();
                }
                cluster.putLong((int) (c % perTable) * 8, Qcow2TableEntries.allocated(nextData));
                nextData += settings.clusterSize();
            }
        }
        if (table >= 0) {
            emit();
            tablesWritten++;
        }
        long dataWritten = (nextData - layout.dataOffset()) >>> bits;
        if (tablesWritten != layout.l2Tables || dataWritten != layout.dataClusters) {
            throw sourceChanged();
        }
    }

    private void writeData(Qcow2Layout layout, WriteProgress progress) throws IOException {
        long[] clusters = {0};
        ChunkPipeline pipeline = new ChunkPipeline(source,
                ChunkPipeline.Settings.of(settings.clusterSize(), threads, false));
        pipeline.run(() -> chunk -> null, (Chunk chunk, Object ignored) -> {
            if (!chunk.isHole()) {
                ChannelWrites.writeFully(out, chunk.granules(0, chunk.granules()));
                clusters[0] += chunk.granules();
            }
        }, progress);
        if (clusters[0] != layout.dataClusters) {
            throw sourceChanged();
        }
    }

    private void clear() {
        cluster.clear();
        for (int i = 0; i < settings.clusterSize(); i += 8) {
            cluster.putLong(i, 0);
        }
    }

    private void emit() throws IOException {
        ChannelWrites.writeFully(out, cluster.clear());
    }

    private IOException sourceChanged() {
        return new IOException("the source's allocation map changed while it was being converted;"
                + " the streamed qcow2 image is incomplete");
    }
}
