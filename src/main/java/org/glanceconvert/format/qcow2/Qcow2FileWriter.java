package org.glanceconvert.format.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.glanceconvert.convert.BufferPool;
import org.glanceconvert.convert.ChannelWrites;
import org.glanceconvert.convert.Chunk;
import org.glanceconvert.convert.ChunkPipeline;
import org.glanceconvert.convert.EncodedChunk;
import org.glanceconvert.convert.WriteBatch;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.VirtualDisk;

/**
 * Writes a qcow2 image into a file in one pass over the source, appending as it goes: data
 * clusters (compressed or not) in disk order, each L2 table as soon as the disk range it maps is
 * done, each refcount block as soon as the clusters it counts are final, then the L1 table, the
 * last refcount blocks and the refcount table; the header, which points at them, goes into the
 * reserved first cluster last. Clusters whose bytes are all zero get no host cluster at all
 * (their L2 entry stays 0: unallocated, and without a backing file that reads as zero).
 *
 * <p>Memory: the L1 table (at most 32 MiB, qemu's limit, checked before starting), one L2 table,
 * one or two open refcount blocks, and the chunk pipeline's bounded buffers.
 */
final class Qcow2FileWriter {
    private final Qcow2WriteSettings settings;
    private final VirtualDisk source;
    private final FileChannel out;
    private final int threads;
    private final int clusterBits;
    private final Qcow2HostAllocator allocator;
    private final WriteBatch batch;
    private final long[] l1;
    private final ByteBuffer l2;
    private long l2Index = -1;
    private boolean l2Used;

    Qcow2FileWriter(Qcow2WriteSettings settings, VirtualDisk source, FileChannel out, int threads) {
        this.settings = settings;
        this.source = source;
        this.out = out;
        this.threads = threads;
        this.clusterBits = settings.clusterBits();
        this.allocator = new Qcow2HostAllocator(out, settings);
        this.batch = new WriteBatch(out);
        this.l1 = new long[Math.toIntExact(settings.l1Entries(source.size()))];
        this.l2 = ByteBuffer.allocateDirect(settings.clusterSize());
    }

    void write(WriteProgress progress) throws IOException {
        long headerOffset = allocator.allocateClusters(1);
        ChunkPipeline.Settings pipelineSettings = ChunkPipeline.Settings.of(settings.clusterSize(), threads, true);
        ChunkPipeline pipeline = new ChunkPipeline(source, pipelineSettings);
        if (settings.compress()) {
            BufferPool compressedBuffers = new BufferPool(pipelineSettings.chunkBytes());
            pipeline.run(() -> new Qcow2ChunkCompressor(settings, compressedBuffers),
                    (Chunk chunk, EncodedChunk result) -> {
                        try {
                            acceptCompressed(chunk, result);
                        } finally {
                            if (result != null) {
                                compressedBuffers.release(result.bytes());
                            }
                        }
                    }, progress);
        } else {
            pipeline.run(() -> chunk -> null, (Chunk chunk, Object ignored) -> acceptPlain(chunk), progress);
        }
        flushL2();
        batch.flush();

        int l1Clusters = settings.l1Clusters(source.size());
        long l1Offset = 0;
        if (l1Clusters > 0) {
            l1Offset = allocator.allocateClusters(l1Clusters);
            ByteBuffer table = ByteBuffer.allocateDirect(l1Clusters << clusterBits);
            for (int i = 0; i < l1.length; i++) {
                table.putLong(i * 8, l1[i]);
            }
            ChannelWrites.writeFully(out, table, l1Offset);
        }
        long[] refcountTable = allocator.finish();
        ByteBuffer header = Qcow2Header.encode(settings, source.size(), l1.length, l1Offset,
                refcountTable[0], Math.toIntExact(refcountTable[1]));
        ChannelWrites.writeFully(out, header, headerOffset);
    }

    private void acceptPlain(Chunk chunk) throws IOException {
        if (chunk.isHole()) {
            return;
        }
        long firstCluster = chunk.start() >>> clusterBits;
        for (int i = 0; i < chunk.granules(); i++) {
            if (!chunk.isZeroGranule(i)) {
                long host = allocator.allocateClusters(1);
                batch.add(host, chunk.granule(i));
                setL2(firstCluster + i, Qcow2TableEntries.allocated(host));
            }
        }
        batch.flush();
    }

    private void acceptCompressed(Chunk chunk, EncodedChunk result) throws IOException {
        if (chunk.isHole()) {
            return;
        }
        long firstCluster = chunk.start() >>> clusterBits;
        ByteBuffer compressed = result.bytes();
        int pos = 0;
        for (int i = 0; i < chunk.granules(); i++) {
            int length = result.lengths()[i];
            if (length == Qcow2ChunkCompressor.ZERO) {
                continue;
            }
            long entry;
            if (length == Qcow2ChunkCompressor.STORED) {
                long host = allocator.allocateClusters(1);
                batch.add(host, chunk.granule(i));
                entry = Qcow2TableEntries.allocated(host);
            } else {
                long host = allocator.allocateBytes(length);
                batch.add(host, compressed.slice(pos, length));
                pos += length;
                entry = Qcow2TableEntries.compressed(host, length, settings);
            }
            setL2(firstCluster + i, entry);
        }
        batch.flush();
    }

    private void setL2(long guestCluster, long entry) throws IOException {
        long index = guestCluster / settings.l2Entries();
        if (index != l2Index) {
            flushL2();
            l2Index = index;
            for (int i = 0; i < settings.clusterSize(); i += 8) {
                l2.putLong(i, 0);
            }
        }
        l2.putLong((int) (guestCluster % settings.l2Entries()) * 8, entry);
        l2Used = true;
    }

    private void flushL2() throws IOException {
        if (!l2Used) {
            return;
        }
        long host = allocator.allocateClusters(1);
        ChannelWrites.writeFully(out, l2.clear(), host);
        l1[(int) l2Index] = Qcow2TableEntries.allocated(host);
        l2Used = false;
    }
}
