package org.glanceconvert.format.vdi;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glanceconvert.image.BlockMappedDisk;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Extent;

/**
 * A VDI image as a virtual disk. The block map was read and checked when the disk was opened and
 * never changes, so concurrent reads need no locking.
 */
final class VdiDisk extends BlockMappedDisk {
    private final VdiBlockMap map;
    private final long dataOffset;

    VdiDisk(ByteSource source, VdiHeader header, VdiBlockMap map) {
        super(source, header.diskSize(), header.blockSize);
        this.map = map;
        this.dataOffset = header.dataOffset;
    }

    @Override
    protected Extent extentAt(long pos) {
        long block = pos / blockSize;
        long within = pos % blockSize;
        long length = Math.min(blockSize - within, size - pos);
        int entry = map.entry(block);
        if (entry == VdiHeader.ENTRY_FREE) {
            return Extent.unallocated(pos, length);
        }
        if (entry == VdiHeader.ENTRY_ZERO) {
            return Extent.zero(pos, length);
        }
        return Extent.data(pos, length, hostOffset(entry, within));
    }

    @Override
    protected void readBlock(long block, long within, ByteBuffer part) throws IOException {
        int entry = map.entry(block);
        boolean stored = entry != VdiHeader.ENTRY_FREE && entry != VdiHeader.ENTRY_ZERO;
        storedOrZeros(stored ? hostOffset(entry, within) : -1, part);
    }

    private long hostOffset(int entry, long within) {
        return dataOffset + Integer.toUnsignedLong(entry) * blockSize + within;
    }
}
