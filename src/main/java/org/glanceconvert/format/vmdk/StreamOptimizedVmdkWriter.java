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
import java.util.concurrent.ThreadLocalRandom;
import org.glanceconvert.convert.BufferPool;
import org.glanceconvert.convert.ChannelWrites;
import org.glanceconvert.convert.Chunk;
import org.glanceconvert.convert.ChunkPipeline;
import org.glanceconvert.convert.EncodedChunk;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.VirtualDisk;

/**
 * Writes a stream-optimized VMDK (version 3) strictly in order, as VMware's own exporters lay it
 * out: header with the grain directory "at end", descriptor padded to the first grain, then for
 * each grain table its compressed grains (each behind a grain marker) followed by the table,
 * then the grain directory, a footer repeating the header with the real directory offset, and
 * the end-of-stream marker. Zero grains are left out. Grains are deflated in parallel on the
 * conversion pipeline's workers ({@link VmdkChunkCompressor}); everything else runs on the
 * calling thread, strictly in order, so the output can be a stream.
 */
final class StreamOptimizedVmdkWriter {
    private static final int VERSION = 3;

    private final VirtualDisk source;
    private final VmdkWriterOptions options;
    private final int threads;
    private final SparseVmdkLayout layout;

    private WritableByteChannel out;
    private long written;
    private int[] directory;
    private int[] table;
    private int tableIndex = -1;

    StreamOptimizedVmdkWriter(VirtualDisk source, VmdkWriterOptions options, int threads) {
        this.source = source;
        this.options = options;
        this.threads = threads;
        this.layout = new SparseVmdkLayout(source.size());
    }

    void write(WritableByteChannel channel, WriteProgress progress) throws IOException {
        out = channel;
        written = 0;
        directory = new int[layout.grainTables];
        table = new int[GTES_PER_GT];

        byte[] descriptor = VmdkDescriptor.encodeBytes(VmdkWriterOptions.Subformat.STREAM_OPTIMIZED
                .createType(), layout.capacitySectors, options.adapterType(), ThreadLocalRandom.current().nextInt());
        long descriptorSectors = SparseVmdkLayout.ceilDiv(descriptor.length, SECTOR);
        // Like VMware's exporters, the first grain starts on a grain boundary.
        long overhead = SparseVmdkLayout.alignUp(1 + descriptorSectors, GRAIN_SECTORS);
        SparseExtentHeader header = SparseExtentHeader.of(VERSION,
                SparseExtentHeader.FLAG_NEWLINE_TEST | SparseExtentHeader.FLAG_COMPRESSED
                        | SparseExtentHeader.FLAG_MARKERS,
                layout.capacitySectors, GRAIN_SECTORS, 1, descriptorSectors, 0,
                SparseExtentHeader.GD_AT_END, overhead, SparseExtentHeader.COMPRESSION_DEFLATE);
        emit(header.toBytes());
        emit(descriptor);
        emitZeros(overhead * SECTOR - written);

        writeGrains(progress);
        flushGrainTable();

        emit(StreamMarker.metadataSector(layout.gdSectors, StreamMarker.GRAIN_DIRECTORY));
        long gdOffset = written / SECTOR;
        emit(littleEndian(directory));
        emitZeros((SECTOR - written % SECTOR) % SECTOR);
        emit(StreamMarker.metadataSector(1, StreamMarker.FOOTER));
        emit(header.withGdOffset(gdOffset).toBytes());
        emit(StreamMarker.metadataSector(0, StreamMarker.END_OF_STREAM));
    }

    /** Compresses the grains in parallel and appends their records in virtual order. */
    private void writeGrains(WriteProgress progress) throws IOException {
        ChunkPipeline.Settings settings = ChunkPipeline.Settings.of(GRAIN_BYTES, threads, true);
        BufferPool records = new BufferPool(settings.chunkBytes() / GRAIN_BYTES * VmdkChunkCompressor.MAX_RECORD);
        new ChunkPipeline(source, settings).run(() -> new VmdkChunkCompressor(records),
                (Chunk chunk, EncodedChunk result) -> {
                    if (result == null) {
                        return;
                    }
                    try {
                        emitGrains(chunk, result);
                    } finally {
                        records.release(result.bytes());
                    }
                }, progress);
    }

    /** Appends a chunk's grain records, recording each in its grain table; a finished table goes out between them. */
    private void emitGrains(Chunk chunk, EncodedChunk records) throws IOException {
        ByteBuffer bytes = records.bytes();
        int from = 0;
        int pos = 0;
        for (int i = 0; i < chunk.granules(); i++) {
            int length = records.lengths()[i];
            if (length == 0) {
                continue;
            }
            long offset = chunk.start() + (long) i * GRAIN_BYTES;
            int index = SparseVmdkLayout.tableOf(offset);
            if (index != tableIndex) {
                emit(bytes.slice(from, pos - from));
                from = pos;
                flushGrainTable();
                tableIndex = index;
            }
            table[SparseVmdkLayout.entryOf(offset)] = SparseVmdkLayout.sectorEntry(written + (pos - from));
            pos += length;
        }
        emit(bytes.slice(from, pos - from));
    }

    /** Writes the grain table being filled (a marker, then the table) after its grains. */
    private void flushGrainTable() throws IOException {
        if (tableIndex < 0) {
            return;
        }
        emit(StreamMarker.metadataSector(GT_SECTORS, StreamMarker.GRAIN_TABLE));
        directory[tableIndex] = SparseVmdkLayout.sectorEntry(written);
        emit(littleEndian(table));
        Arrays.fill(table, 0);
        tableIndex = -1;
    }

    private void emit(byte[] bytes) throws IOException {
        emit(ByteBuffer.wrap(bytes));
    }

    private void emit(ByteBuffer bytes) throws IOException {
        written += bytes.remaining();
        ChannelWrites.writeFully(out, bytes);
    }

    private void emitZeros(long count) throws IOException {
        ChannelWrites.writeZeros(out, count);
        written += count;
    }

    static byte[] littleEndian(int[] entries) {
        ByteBuffer b = ByteBuffer.allocate(entries.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(entries);
        return b.array();
    }
}
