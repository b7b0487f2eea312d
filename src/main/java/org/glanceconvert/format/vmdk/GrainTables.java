package org.glanceconvert.format.vmdk;

import static org.glanceconvert.format.vmdk.SparseExtentHeader.SECTOR;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.image.BoundedCache;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * The grain tables of a sparse VMDK, read on demand through a cache whose size comes from
 * {@code Limits.maxCacheBytes}: a disk of any size holds only that many tables in memory.
 */
final class GrainTables {
    private final SparseVmdk image;
    private final BoundedCache<Integer, int[]> cache;

    GrainTables(SparseVmdk image, long budgetBytes) {
        this.image = image;
        this.cache = new BoundedCache<>((int) Math.min(Integer.MAX_VALUE,
                budgetBytes / (SparseVmdk.GRAIN_TABLE_BYTES + 64)));
    }

    /** The raw grain table entry of grain {@code grainIndex}; 0 when its table is absent. */
    int entry(long grainIndex) throws IOException {
        int table = (int) (grainIndex / SparseExtentHeader.GTES_PER_GT);
        if (image.grainDirectory().tableOffset(table) == 0) {
            return 0;
        }
        int[] entries = cache.get(table, t -> load(image, image.grainDirectory(), t));
        return entries[(int) (grainIndex % SparseExtentHeader.GTES_PER_GT)];
    }

    /** True when every grain covered by table {@code table} is unallocated (no table). */
    boolean absent(int table) {
        return image.grainDirectory().tableOffset(table) == 0;
    }

    /**
     * Reads table {@code index} of {@code directory}, whose location the directory check has
     * already bounded. In a stream with a footer every table follows its own marker.
     */
    static int[] load(SparseVmdk image, GrainDirectory directory, int index) throws IOException {
        long start = directory.tableOffset(index);
        int lead = image.footerLayout() ? SECTOR : 0;
        byte[] bytes = image.source().readBytes(start - lead, lead + SparseVmdk.GRAIN_TABLE_BYTES);
        if (lead > 0) {
            StreamMarker marker = StreamMarker.parse(bytes, 0);
            if (!marker.isMetadata(StreamMarker.GRAIN_TABLE)
                    || !marker.covers(SparseVmdk.GRAIN_TABLE_BYTES / SECTOR)) {
                throw new ImageFormatException(Check.VMDK_GRAIN_TABLE, "grain table " + index + " at byte " + start
                        + " does not follow a grain table marker (found " + marker + ")");
            }
        }
        int[] entries = new int[SparseExtentHeader.GTES_PER_GT];
        ByteBuffer.wrap(bytes, lead, SparseVmdk.GRAIN_TABLE_BYTES).slice().order(ByteOrder.LITTLE_ENDIAN)
                .asIntBuffer().get(entries);
        return entries;
    }
}
