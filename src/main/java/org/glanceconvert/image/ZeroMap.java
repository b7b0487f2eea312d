package org.glanceconvert.image;

import java.util.BitSet;

/**
 * Which granules of a disk hold any non-zero byte, learned by reading the disk once (the content
 * digest pass, or a pre-scan): what a writer that must plan its layout before it reads the data
 * (a streamed qcow2) cannot find out as it goes. A granule never marked reads as all zero.
 *
 * <p>Memory is bounded whatever the virtual size: one bit per granule, the granule 64 KiB (the
 * content digest's block) doubled until the bitmap fits the bound — 2 MiB for a 1 TiB disk at
 * 64 KiB, 32 MiB for 16 TiB. The bound is checked before the bitmap is allocated.
 *
 * <p>Marked by one thread; once {@linkplain #complete() complete} it is only read, by any thread.
 */
public final class ZeroMap {
    /** The finest granule: the content digest's block. */
    public static final int MIN_GRANULE = 64 * 1024;
    /** Coarser than this the map would hardly ever find a whole zero granule; no map instead. */
    private static final long MAX_GRANULE = 1L << 30;

    private final long size;
    private final long granule;
    private final int granuleBits;
    private final BitSet data;
    private volatile boolean complete;

    private ZeroMap(long size, long granule) {
        this.size = size;
        this.granule = granule;
        this.granuleBits = Long.numberOfTrailingZeros(granule);
        this.data = new BitSet((int) granules(size, granule));
    }

    /**
     * An empty map for a disk of {@code size} bytes whose bitmap takes at most {@code maxBytes},
     * or null when even a 1 GiB granule would not fit (a tiny bound): the caller goes without.
     */
    public static ZeroMap forSize(long size, long maxBytes) {
        if (size < 0) {
            throw new IllegalArgumentException("negative disk size " + size);
        }
        long granule = MIN_GRANULE;
        while (bitmapBytes(size, granule) > maxBytes || granules(size, granule) > Integer.MAX_VALUE - 64) {
            granule <<= 1;
            if (granule > MAX_GRANULE) {
                return null;
            }
        }
        return new ZeroMap(size, granule);
    }

    private static long granules(long size, long granule) {
        return size / granule + (size % granule == 0 ? 0 : 1);
    }

    /** Bytes of the bitmap, as BitSet allocates it (whole longs). */
    static long bitmapBytes(long size, long granule) {
        return (granules(size, granule) + 63) / 64 * 8;
    }

    public long size() {
        return size;
    }

    public long granule() {
        return granule;
    }

    /** Records that {@code [offset, offset + length)} holds a non-zero byte somewhere. */
    public void markData(long offset, long length) {
        if (complete) {
            throw new IllegalStateException("the zero map is complete");
        }
        if (offset < 0 || length <= 0 || length > size - offset) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside " + size);
        }
        data.set((int) (offset >>> granuleBits), (int) ((offset + length - 1) >>> granuleBits) + 1);
    }

    /** Says every byte of the disk has been looked at: from now on the map is read only. */
    public void complete() {
        complete = true;
    }

    public boolean isComplete() {
        return complete;
    }

    /** True when the granule holding {@code position} reads as all zero. */
    public boolean isZeroAt(long position) {
        return !data.get(index(position));
    }

    /** Start of the first granule after the one holding {@code position} that holds data; at least {@link #size()} if none. */
    public long nextDataAfter(long position) {
        int next = data.nextSetBit(index(position) + 1);
        return next < 0 ? Math.max(size, position + 1) : (long) next << granuleBits;
    }

    /** Start of the first zero granule after the one holding {@code position}; at least {@link #size()} if none. */
    public long nextZeroAfter(long position) {
        return (long) data.nextClearBit(index(position) + 1) << granuleBits;
    }

    /** Bytes in granules that hold data (the last granule counted whole). */
    public long dataBytes() {
        return (long) data.cardinality() << granuleBits;
    }

    private int index(long position) {
        if (position < 0 || position >= size) {
            throw new IllegalArgumentException("position " + position + " outside " + size);
        }
        return (int) (position >>> granuleBits);
    }
}
