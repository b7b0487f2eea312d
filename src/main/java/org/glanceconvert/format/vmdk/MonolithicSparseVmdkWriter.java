package org.glanceconvert.format.vmdk;

import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GRAIN_BYTES;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GRAIN_SECTORS;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GTES_PER_GT;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GT_SECTORS;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.SECTOR;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.glanceconvert.convert.BlockCopier;
import org.glanceconvert.convert.ChannelWrites;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.VirtualDisk;

/**
 * Writes a monolithic sparse VMDK (version 1) into a file, laid out as QEMU lays it out:
 * header, a 20-sector descriptor, the redundant grain directory and its grain tables, the grain
 * directory and its grain tables (every table preallocated, so both directories are complete from
 * the start), then uncompressed grains appended in virtual order. Zero grains stay unallocated;
 * tables that no grain uses stay holes in the file, and so do 4 KiB pieces of grains that read
 * all zero.
 */
final class MonolithicSparseVmdkWriter {
    private static final int VERSION = 1;
    /** qemu reads the embedded descriptor as 20 sectors at sector 1, whatever the header says. */
    private static final long DESCRIPTOR_SECTORS = 20;

    private final VirtualDisk source;
    private final VmdkWriterOptions options;
    private final SparseVmdkLayout layout;

    MonolithicSparseVmdkWriter(VirtualDisk source, VmdkWriterOptions options) {
        this.source = source;
        this.options = options;
        this.layout = new SparseVmdkLayout(source.size());
    }

    void write(FileChannel out, int threads, WriteProgress progress) throws IOException {
        long tablesSectors = (long) layout.grainTables * GT_SECTORS;
        long redundantGd = 1 + DESCRIPTOR_SECTORS;
        long redundantTables = redundantGd + layout.gdSectors;
        long gd = redundantTables + tablesSectors;
        long tables = gd + layout.gdSectors;
        long overhead = SparseVmdkLayout.alignUp(tables + tablesSectors, GRAIN_SECTORS);

        SparseExtentHeader header = SparseExtentHeader.of(VERSION,
                SparseExtentHeader.FLAG_NEWLINE_TEST | SparseExtentHeader.FLAG_REDUNDANT_GRAIN_TABLE,
                layout.capacitySectors, GRAIN_SECTORS, 1, DESCRIPTOR_SECTORS, redundantGd, gd,
                overhead, SparseExtentHeader.COMPRESSION_NONE);
        write(out, 0, header.toBytes());
        byte[] descriptor = VmdkDescriptor.encodeBytes(VmdkWriterOptions.Subformat.MONOLITHIC_SPARSE
                .createType(), layout.capacitySectors, options.adapterType(), ThreadLocalRandom.current().nextInt());
        if (descriptor.length > DESCRIPTOR_SECTORS * SECTOR) {
            throw new IllegalStateException("descriptor of " + descriptor.length + " bytes does not fit");
        }
        write(out, SECTOR, descriptor);
        write(out, redundantGd * SECTOR, directoryPointingAt(redundantTables));
        write(out, gd * SECTOR, directoryPointingAt(tables));

        AppendedGrains grains = new AppendedGrains(out, overhead * SECTOR, redundantTables, tables);
        BlockCopier.placed(GRAIN_BYTES, grains).copy(source, out, threads, progress);
        grains.writeTable();
        ChannelWrites.setLength(out, grains.next);
    }

    /** A grain directory whose entries point at the preallocated tables from sector {@code first}. */
    private byte[] directoryPointingAt(long first) throws IOException {
        int[] entries = new int[layout.grainTables];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = SparseVmdkLayout.sectorEntry((first + (long) i * GT_SECTORS) * SECTOR);
        }
        return StreamOptimizedVmdkWriter.littleEndian(entries);
    }

    private static void write(FileChannel out, long position, byte[] bytes) throws IOException {
        ChannelWrites.writeFully(out, ByteBuffer.wrap(bytes), position);
    }

    /**
     * Appends each grain that holds data after the last one, in virtual order, and fills the grain
     * table being built; a finished table goes into both its primary and its redundant place.
     */
    private static final class AppendedGrains implements BlockCopier.Placement {
        private final FileChannel out;
        private final long redundantTables;
        private final long tables;
        private final int[] table = new int[GTES_PER_GT];
        private int tableIndex = -1;
        private long next;

        AppendedGrains(FileChannel out, long first, long redundantTables, long tables) {
            this.out = out;
            this.next = first;
            this.redundantTables = redundantTables;
            this.tables = tables;
        }

        @Override
        public long place(long grain) throws IOException {
            long offset = grain * GRAIN_BYTES;
            int index = SparseVmdkLayout.tableOf(offset);
            if (index != tableIndex) {
                writeTable();
                Arrays.fill(table, 0);
                tableIndex = index;
            }
            long host = next;
            table[SparseVmdkLayout.entryOf(offset)] = SparseVmdkLayout.sectorEntry(host);
            next += GRAIN_BYTES;
            return host;
        }

        /** Writes the table being filled, if any, into both its places. */
        void writeTable() throws IOException {
            if (tableIndex < 0) {
                return;
            }
            byte[] bytes = StreamOptimizedVmdkWriter.littleEndian(table);
            write(out, (redundantTables + (long) tableIndex * GT_SECTORS) * SECTOR, bytes);
            write(out, (tables + (long) tableIndex * GT_SECTORS) * SECTOR, bytes);
        }
    }
}
