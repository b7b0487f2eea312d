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
 * clusters (compressed or not) in disk order (uncompressed ones allocated in order and written
 * by the pipeline's workers in parallel, compressed ones written in order by the sink), each L2 table as soon as the disk range it maps is
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
            pipeline.run(() -> this::writePlain, (Chunk chunk, Object ignored) -> { }, progress);
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

    /**
     * Runs on a pipeline worker: gives the chunk's data clusters their host clusters in the
     * chunk's turn (clusters are allocated in disk order, with the L2 tables and refcounts that
     * go with them), then writes them at those places outside it, so the workers' writes overlap.
     * Clusters that follow each other in the chunk get consecutive host clusters: one write each run.
     */
    private Object writePlain(Chunk chunk) throws IOException {
        long firstCluster = chunk.start() >>> clusterBits;
        int n = chunk.granules();
        long[] runs = new long[2 * n]; // (first granule, host offset) of each run; runs end at a zero granule
        int[] lengths = new int[n];
        int[] count = new int[1];
        chunk.inTurn(() -> {
            int r = -1;
            long nextHost = -1;
            for (int i = 0; i < n; i++) {
                if (chunk.isZeroGranule(i)) {
                    continue;
                }
                long host = allocator.allocateClusters(1);
                setL2(firstCluster + i, Qcow2TableEntries.allocated(host));
                if (r >= 0 && host == nextHost && runs[2 * r] + lengths[r] == i) {
                    lengths[r]++;
                } else {
                    r++;
                    runs[2 * r] = i;
                    runs[2 * r + 1] = host;
                    lengths[r] = 1;
                }
                nextHost = host + settings.clusterSize();
            }
            count[0] = r + 1;
        });
        for (int r = 0; r < count[0]; r++) {
            int first = (int) runs[2 * r];
            ChannelWrites.writeFully(out, chunk.granules(first, first + lengths[r]), runs[2 * r + 1]);
        }
        return null;
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
