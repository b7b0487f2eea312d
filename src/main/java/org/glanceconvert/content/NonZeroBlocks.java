package org.glanceconvert.content;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.image.ZeroMap;
import org.glanceconvert.image.ZeroMappedDisk;
import org.glanceconvert.image.ZeroRuns;
import org.glanceconvert.image.Zeros;

/**
 * One pass over a disk's 64 KiB blocks that are not all zero, in order: blocks that metadata
 * says read as zero are skipped unread, the rest is read in large requests and looked at. The
 * content digest hashes what it finds; a {@link ZeroMap} records where it is.
 */
public final class NonZeroBlocks {
    /** The block size; part of the content digest's contract. */
    public static final int BLOCK = 64 * 1024;
    /**
     * 4 MiB per read (HttpRangeByteSource's largest request): the daemon digests sources and
     * read-back copies in Glance by HTTP range requests, one per read, and Glance spends several
     * milliseconds on each beyond its bytes (token validation, image lookup); 1 MiB ranges were
     * served at about half the speed of a streamed download.
     */
    private static final int BLOCKS_PER_READ = 64;

    /** Receives each block that is not all zero; the buffer (position to limit) is borrowed for the call. */
    @FunctionalInterface
    public interface Visitor {
        void block(long index, ByteBuffer bytes) throws IOException;
    }

    private NonZeroBlocks() {
    }

    /** Calls {@code visitor} for every block of {@code disk} that holds a non-zero byte, in order. */
    public static void forEach(VirtualDisk disk, Visitor visitor) throws IOException {
        long size = disk.size();
        ZeroRuns zeros = new ZeroRuns(disk, 0);
        ByteBuffer chunk = ByteBuffer.allocate(BLOCK * BLOCKS_PER_READ);
        long block = 0;
        long blocks = (size + BLOCK - 1) / BLOCK;
        while (block < blocks) {
            long start = block * BLOCK;
            long zeroEnd = zeros.zeroUntil(start);
            if (zeroEnd >= start + BLOCK || zeroEnd >= size) {
                block = Math.max(block + 1, zeroEnd / BLOCK);
                continue;
            }
            long end = Math.min(size, start + (long) BLOCK * BLOCKS_PER_READ);
            chunk.clear().limit((int) (end - start));
            disk.read(start, chunk);
            for (int off = 0; off < chunk.limit(); off += BLOCK) {
                ByteBuffer one = chunk.duplicate().position(off).limit(Math.min(chunk.limit(), off + BLOCK));
                if (!Zeros.isZero(one)) {
                    visitor.block(block + off / BLOCK, one);
                }
            }
            block += (end - start + BLOCK - 1) / BLOCK;
        }
    }

    /** A visitor that marks each block it is given in {@code map} (and passes it on to {@code next}, if any). */
    static Visitor marking(ZeroMap map, Visitor next) {
        return (index, bytes) -> {
            map.markData(index * BLOCK, bytes.remaining());
            if (next != null) {
                next.block(index, bytes);
            }
        };
    }

    /**
     * {@code disk} with the blocks found all zero by reading it once reported as ZERO extents,
     * for a writer that plans its layout before reading data (a streamed qcow2); {@code disk}
     * itself when a map would not fit {@code maxMapBytes}. Costs one extra read of the stored
     * data (holes are not read).
     */
    public static VirtualDisk premapped(VirtualDisk disk, long maxMapBytes) throws IOException {
        if (disk instanceof ZeroMappedDisk) {
            return disk;
        }
        ZeroMap map = ZeroMap.forSize(disk.size(), maxMapBytes);
        if (map == null) {
            return disk;
        }
        forEach(disk, marking(map, null));
        map.complete();
        return new ZeroMappedDisk(disk, map);
    }
}
