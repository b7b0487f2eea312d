package org.glanceconvert.format.vmdk;

import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GRAIN_BYTES;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GRAIN_SECTORS;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GTES_PER_GT;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.GT_SECTORS;
import static org.glanceconvert.format.vmdk.SparseVmdkLayout.SECTOR;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.Deflater;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.format.output.NonZeroChunks;
import org.glanceconvert.format.output.OrderedParallelEncoder;
import org.glanceconvert.format.output.SequentialOutput;
import org.glanceconvert.image.VirtualDisk;

/**
 * Writes a stream-optimized VMDK (version 3) strictly in order, as VMware's own exporters lay it
 * out: header with the grain directory "at end", descriptor padded to the first grain, then for
 * each grain table its compressed grains (each behind a grain marker) followed by the table,
 * then the grain directory, a footer repeating the header with the real directory offset, and
 * the end-of-stream marker. Zero grains are left out. Grains are deflated in parallel; everything
 * else runs on the calling thread.
 */
final class StreamOptimizedVmdkWriter {
    private static final int VERSION = 3;
    private static final int OUTPUT_BUFFER = 1 << 20;

    private final VirtualDisk source;
    private final VmdkWriterOptions options;
    private final int threads;
    private final SparseVmdkLayout layout;

    private SequentialOutput out;
    private int[] directory;
    private int[] table;
    private int tableIndex = -1;

    StreamOptimizedVmdkWriter(VirtualDisk source, VmdkWriterOptions options, int threads) {
        this.source = source;
        this.options = options;
        this.threads = threads;
        this.layout = new SparseVmdkLayout(source.size());
    }

    private record CompressedGrain(long offset, byte[] data) {
    }

    void write(WritableByteChannel channel, WriteProgress progress) throws IOException {
        out = new SequentialOutput(channel, OUTPUT_BUFFER);
        directory = new int[layout.grainTables];
        table = new int[GTES_PER_GT];

        byte[] descriptor = VmdkDescriptorEncoder.encodeBytes(VmdkWriterOptions.Subformat.STREAM_OPTIMIZED
                .createType(), layout.capacitySectors, options.adapterType(), ThreadLocalRandom.current().nextInt());
        long descriptorSectors = SparseVmdkLayout.ceilDiv(descriptor.length, SECTOR);
        // Like VMware's exporters, the first grain starts on a grain boundary.
        long overhead = SparseVmdkLayout.alignUp(1 + descriptorSectors, GRAIN_SECTORS);
        VmdkHeaderEncoder.Fields header = new VmdkHeaderEncoder.Fields(VERSION,
                VmdkHeaderEncoder.FLAG_VALID_NEWLINE_TEST | VmdkHeaderEncoder.FLAG_COMPRESSED_GRAINS
                        | VmdkHeaderEncoder.FLAG_MARKERS,
                layout.capacitySectors, GRAIN_SECTORS, 1, descriptorSectors, GTES_PER_GT, 0,
                VmdkHeaderEncoder.GD_AT_END, overhead, VmdkHeaderEncoder.COMPRESSION_DEFLATE);
        out.write(VmdkHeaderEncoder.encode(header));
        out.write(descriptor);
        out.writeZeros(overhead * SECTOR - out.position());

        writeGrains(progress);
        flushGrainTable();

        out.write(VmdkMarkerEncoder.metadata(VmdkMarkerEncoder.TYPE_GRAIN_DIRECTORY, layout.gdSectors));
        long gdOffset = out.position() / SECTOR;
        out.write(littleEndian(directory));
        out.padTo(SECTOR);
        out.write(VmdkMarkerEncoder.metadata(VmdkMarkerEncoder.TYPE_FOOTER, 1));
        out.write(VmdkHeaderEncoder.encode(header.withGdOffset(gdOffset)));
        out.write(VmdkMarkerEncoder.metadata(VmdkMarkerEncoder.TYPE_END_OF_STREAM, 0));
        out.flush();
    }

    private void writeGrains(WriteProgress progress) throws IOException {
        ConcurrentLinkedQueue<Deflater> deflaters = new ConcurrentLinkedQueue<>();
        try (OrderedParallelEncoder<CompressedGrain> encoder =
                     new OrderedParallelEncoder<>("vmdk-deflate", threads, this::emit)) {
            NonZeroChunks grains = new NonZeroChunks(source, GRAIN_BYTES, progress);
            while (true) {
                byte[] grain = new byte[GRAIN_BYTES];
                long offset = grains.next(grain);
                if (offset < 0) {
                    break;
                }
                encoder.submit(() -> new CompressedGrain(offset, compress(deflaters, grain)));
            }
            encoder.finish();
        } finally {
            // Deflaters hold native memory: release it now rather than at some later GC.
            Deflater d;
            while ((d = deflaters.poll()) != null) {
                d.end();
            }
        }
    }

    private static byte[] compress(ConcurrentLinkedQueue<Deflater> deflaters, byte[] grain) {
        Deflater deflater = deflaters.poll();
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        }
        try {
            return VmdkGrainCompressor.compress(deflater, grain, grain.length);
        } finally {
            deflaters.offer(deflater);
        }
    }

    /** Appends one compressed grain, in virtual order, and records it in its grain table. */
    private void emit(CompressedGrain grain) throws IOException {
        int index = SparseVmdkLayout.tableOf(grain.offset());
        if (index != tableIndex) {
            flushGrainTable();
            tableIndex = index;
        }
        table[SparseVmdkLayout.entryOf(grain.offset())] = SparseVmdkLayout.sectorEntry(out.position());
        out.write(VmdkMarkerEncoder.grainHeader(grain.offset() / SECTOR, grain.data().length));
        out.write(grain.data());
        out.padTo(SECTOR);
    }

    /** Writes the grain table being filled (a marker, then the table) after its grains. */
    private void flushGrainTable() throws IOException {
        if (tableIndex < 0) {
            return;
        }
        out.write(VmdkMarkerEncoder.metadata(VmdkMarkerEncoder.TYPE_GRAIN_TABLE, GT_SECTORS));
        directory[tableIndex] = SparseVmdkLayout.sectorEntry(out.position());
        out.write(littleEndian(table));
        Arrays.fill(table, 0);
        tableIndex = -1;
    }

    static byte[] littleEndian(int[] entries) {
        ByteBuffer b = ByteBuffer.allocate(entries.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(entries);
        return b.array();
    }
}
