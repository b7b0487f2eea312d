package org.glanceconvert.format.vmdk;

import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GRAIN_BYTES;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GRAIN_SECTORS;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GTES_PER_GT;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GT_SECTORS;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.SECTOR;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.format.output.NonZeroChunks;
import org.glanceconvert.format.output.SparseFileOutput;
import org.glanceconvert.image.VirtualDisk;

/**
 * Writes a monolithic sparse VMDK (version 1) into a file, laid out as qemu-img lays it out:
 * header, a 20-sector descriptor, the redundant grain directory and its grain tables, the grain
 * directory and its grain tables (every table preallocated, so both directories are complete from
 * the start), then uncompressed grains appended in virtual order. Zero grains stay unallocated;
 * tables that no grain uses stay holes in the file.
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

    void write(FileChannel channel, WriteProgress progress) throws IOException {
        SparseFileOutput out = new SparseFileOutput(channel);
        long tablesSectors = (long) layout.grainTables * GT_SECTORS;
        long redundantGd = 1 + DESCRIPTOR_SECTORS;
        long redundantTables = redundantGd + layout.gdSectors;
        long gd = redundantTables + tablesSectors;
        long tables = gd + layout.gdSectors;
        long overhead = SparseVmdkLayout.alignUp(tables + tablesSectors, GRAIN_SECTORS);

        VmdkHeaderEncoder.Fields header = new VmdkHeaderEncoder.Fields(VERSION,
                VmdkHeaderEncoder.FLAG_VALID_NEWLINE_TEST | VmdkHeaderEncoder.FLAG_REDUNDANT_GRAIN_TABLE,
                layout.capacitySectors, GRAIN_SECTORS, 1, DESCRIPTOR_SECTORS, GTES_PER_GT, redundantGd, gd,
                overhead, VmdkHeaderEncoder.COMPRESSION_NONE);
        out.write(0, VmdkHeaderEncoder.encode(header));
        byte[] descriptor = VmdkDescriptorEncoder.encodeBytes(VmdkWriterOptions.Subformat.MONOLITHIC_SPARSE
                .createType(), layout.capacitySectors, options.adapterType(), ThreadLocalRandom.current().nextInt());
        if (descriptor.length > DESCRIPTOR_SECTORS * SECTOR) {
            throw new IllegalStateException("descriptor of " + descriptor.length + " bytes does not fit");
        }
        out.write(SECTOR, descriptor);
        out.write(redundantGd * SECTOR, directoryPointingAt(redundantTables));
        out.write(gd * SECTOR, directoryPointingAt(tables));

        int[] table = new int[GTES_PER_GT];
        int tableIndex = -1;
        long nextGrain = overhead * SECTOR;
        byte[] grain = new byte[GRAIN_BYTES];
        NonZeroChunks grains = new NonZeroChunks(source, GRAIN_BYTES, progress);
        for (long offset = grains.next(grain); offset >= 0; offset = grains.next(grain)) {
            int index = SparseVmdkLayout.tableOf(offset);
            if (index != tableIndex) {
                writeTable(out, table, tableIndex, redundantTables, tables);
                Arrays.fill(table, 0);
                tableIndex = index;
            }
            table[SparseVmdkLayout.entryOf(offset)] = SparseVmdkLayout.sectorEntry(nextGrain);
            out.writeSkippingZeros(nextGrain, grain, 0, GRAIN_BYTES);
            nextGrain += GRAIN_BYTES;
        }
        writeTable(out, table, tableIndex, redundantTables, tables);
        out.finish(nextGrain);
    }

    /** A grain directory whose entries point at the preallocated tables from sector {@code first}. */
    private byte[] directoryPointingAt(long first) throws IOException {
        int[] entries = new int[layout.grainTables];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = SparseVmdkLayout.sectorEntry((first + (long) i * GT_SECTORS) * SECTOR);
        }
        return StreamOptimizedVmdkWriter.littleEndian(entries);
    }

    /** Writes a finished grain table into both its primary and its redundant place. */
    private static void writeTable(SparseFileOutput out, int[] table, int index, long redundantTables,
                                   long tables) throws IOException {
        if (index < 0) {
            return;
        }
        byte[] bytes = StreamOptimizedVmdkWriter.littleEndian(table);
        out.write((redundantTables + (long) index * GT_SECTORS) * SECTOR, bytes);
        out.write((tables + (long) index * GT_SECTORS) * SECTOR, bytes);
    }
}
