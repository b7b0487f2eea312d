package org.glanceconvert.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.format.raw.RawDisk;
import org.junit.jupiter.api.Test;

class ZeroMapTest {
    private static final int G = ZeroMap.MIN_GRANULE;

    @Test
    void theGranuleGrowsUntilTheBitmapFitsItsBound() {
        assertEquals(G, ZeroMap.forSize(Limits.TiB, 2 * Limits.MiB).granule(), "1 TiB at 64 KiB is 2 MiB of bits");
        assertEquals(2 * G, ZeroMap.forSize(Limits.TiB, 2 * Limits.MiB - 1).granule());
        assertEquals(G, ZeroMap.forSize(16 * Limits.TiB, Limits.DEFAULT.maxCacheBytes()).granule());
        assertEquals(G, ZeroMap.forSize(0, 0).granule(), "an empty disk needs no bits");
        assertNull(ZeroMap.forSize(Limits.TiB, 0), "no granule up to 1 GiB fits: no map");
        // The largest virtual size a long can hold still gets a bounded map (or none), never an overflow.
        ZeroMap huge = ZeroMap.forSize(Long.MAX_VALUE, 64 * Limits.MiB);
        assertTrue(huge == null || ZeroMap.bitmapBytes(Long.MAX_VALUE, huge.granule()) <= 64 * Limits.MiB);
    }

    @Test
    void marksTheGranulesARangeTouches() {
        ZeroMap map = ZeroMap.forSize(10L * G + 5, Limits.MiB);
        map.markData(G - 1, 2); // the end of granule 0 and the start of granule 1
        map.markData(10L * G, 5); // the short last granule
        map.complete();
        assertFalse(map.isZeroAt(0));
        assertFalse(map.isZeroAt(G));
        assertTrue(map.isZeroAt(2L * G));
        assertEquals(2L * G, map.nextZeroAfter(0));
        assertEquals(10L * G, map.nextDataAfter(2L * G + 7));
        assertTrue(map.nextZeroAfter(10L * G) >= map.size());
        assertEquals(3L * G, map.dataBytes());
        assertThrows(IllegalStateException.class, () -> map.markData(0, 1), "a complete map is read only");
        assertThrows(IllegalArgumentException.class, () -> map.isZeroAt(10L * G + 5));
    }

    @Test
    void aMappedDiskSplitsDataExtentsAtZeroGranulesAndKeepsHostOffsets() throws IOException {
        byte[] bytes = new byte[8 * G + 100];
        bytes[3 * G + 17] = 1;
        bytes[4 * G] = 2;
        bytes[8 * G + 99] = 3;
        RawDisk raw = new RawDisk(new MemoryByteSource("m", bytes));
        ZeroMap map = ZeroMap.forSize(bytes.length, Limits.MiB);
        map.markData(3L * G + 17, 1);
        map.markData(4L * G, 1);
        map.markData(8L * G + 99, 1);
        assertThrows(IllegalArgumentException.class, () -> new ZeroMappedDisk(raw, map), "not complete yet");
        map.complete();
        VirtualDisk mapped = new ZeroMappedDisk(raw, map);

        assertEquals(List.of(Extent.zero(0, 3L * G), Extent.data(3L * G, 2L * G, 3L * G),
                Extent.zero(5L * G, 3L * G), Extent.data(8L * G, 100, 8L * G)), extents(mapped, 0));
        // From a position inside a zero granule, and inside a data granule.
        assertEquals(Extent.zero(100, 3L * G - 100), extents(mapped, 100).get(0));
        assertEquals(Extent.data(4L * G + 1, G - 1, 4L * G + 1), extents(mapped, 4L * G + 1).get(0));
        // Reads are the source's, whatever the map says.
        ByteBuffer b = ByteBuffer.allocate(G);
        mapped.read(4L * G, b);
        assertEquals(2, b.get(0));
    }

    @Test
    void extentsTheSourceAlreadyCallsZeroStayAsTheyAre() throws IOException {
        VirtualDisk holes = new ForwardingDisk(new RawDisk(new MemoryByteSource("m", new byte[4 * G]))) {
            @Override
            public ExtentCursor extents(long offset) {
                return ExtentCursor.walking(offset, size(), pos -> pos < 2L * G
                        ? Extent.unallocated(pos, 2L * G - pos) : Extent.data(pos, size() - pos, -1));
            }
        };
        ZeroMap map = ZeroMap.forSize(holes.size(), Limits.MiB);
        map.markData(3L * G, 1);
        map.complete();
        assertEquals(List.of(Extent.unallocated(0, 2L * G), Extent.zero(2L * G, G), Extent.data(3L * G, G, -1)),
                extents(new ZeroMappedDisk(holes, map), 0));
    }

    private static List<Extent> extents(VirtualDisk disk, long from) throws IOException {
        List<Extent> list = new ArrayList<>();
        ExtentCursor c = disk.extents(from);
        for (Extent e = c.next(); e != null; e = c.next()) {
            list.add(e);
        }
        return list;
    }
}
