package org.glanceconvert.format.vdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;

/**
 * Crafted VDI images. The base is a valid dynamic image of 4 blocks of 1 MiB whose blocks 0 and
 * 2 are allocated (as data blocks 0 and 1), block 1 is free and block 3 zero; each test breaks
 * one thing and expects that exact check id from inspect, check and open.
 */
class VdiHostileTest {
    private static final int BLOCK = 1 << 20;
    private static final int MAP = 0x200;
    private static final int DATA = 0x400;

    /** A valid image, built field by field from the header layout. */
    static byte[] validImage() {
        ByteBuffer b = ByteBuffer.allocate(DATA + 2 * BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, "<<< test VDI >>>\n".getBytes());
        b.putInt(0x40, 0xbeda107f);
        b.putInt(0x44, 0x00010001);
        b.putInt(0x48, 0x190);
        b.putInt(0x4c, 1);
        b.putInt(0x154, MAP);
        b.putInt(0x158, DATA);
        b.putInt(0x168, 512);
        b.putLong(0x170, 4L * BLOCK);
        b.putInt(0x178, BLOCK);
        b.putInt(0x180, 4);
        b.putInt(0x184, 2);
        b.put(0x188, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}); // image uuid
        putEntries(b, 0, -1, 1, -2);
        for (int i = 0; i < 2 * BLOCK; i++) {
            b.put(DATA + i, (byte) (i / 4096 + 1));
        }
        return b.array();
    }

    private static void putEntries(ByteBuffer b, int... entries) {
        for (int i = 0; i < entries.length; i++) {
            b.putInt(MAP + 4 * i, entries[i]);
        }
    }

    private static byte[] edited(Consumer<ByteBuffer> edit) {
        ByteBuffer b = ByteBuffer.wrap(validImage()).order(ByteOrder.LITTLE_ENDIAN);
        edit.accept(b);
        return b.array();
    }

    static boolean isRegisteredCheck(String id) {
        return Arrays.stream(Check.values()).anyMatch(c -> c.id().equals(id));
    }

    private static InspectionReport inspect(byte[] image, Limits limits) throws IOException {
        return TestImages.inspect(image, "x.vdi", limits);
    }

    /** inspect, check and open all refuse the image with {@code expected}. */
    private static void assertRefused(byte[] image, Check expected, Limits limits) throws IOException {
        InspectionReport r = inspect(image, limits);
        assertEquals("vdi", r.format());
        assertFalse(r.safe());
        assertTrue(r.hasProblem(expected.id()), r.problems().toString());
        List<Finding> found = new VdiFormat().check(new MemoryByteSource("x.vdi", image), limits);
        assertTrue(found.stream().anyMatch(f -> f.check().equals(expected.id())), found.toString());
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> new VdiFormat().open(new MemoryByteSource("x.vdi", image), limits).close());
        assertEquals(expected, e.check(), e.getMessage());
    }

    private static void assertRefused(byte[] image, Check expected) throws IOException {
        assertRefused(image, expected, Limits.DEFAULT);
    }

    @Test
    void theCraftedBaseIsValidAndReadsAsDesigned() throws IOException {
        byte[] image = validImage();
        InspectionReport r = inspect(image, Limits.DEFAULT);
        assertEquals("vdi", r.format());
        assertEquals("dynamic", r.subformat());
        assertEquals(4L * BLOCK, r.virtualSize());
        assertEquals((long) BLOCK, r.clusterSize());
        assertTrue(r.safe(), r.problems().toString());
        assertTrue(new VdiFormat().check(new MemoryByteSource("x", image), Limits.DEFAULT).isEmpty());
        try (VirtualDisk disk = new VdiFormat().open(new MemoryByteSource("x", image), Limits.DEFAULT)) {
            ByteBuffer all = ByteBuffer.allocate(4 * BLOCK);
            disk.read(0, all);
            byte[] got = all.array();
            assertTrue(Arrays.equals(image, DATA, DATA + BLOCK, got, 0, BLOCK), "block 0 = data block 0");
            assertTrue(Arrays.equals(new byte[BLOCK], 0, BLOCK, got, BLOCK, 2 * BLOCK), "block 1 free");
            assertTrue(Arrays.equals(image, DATA + BLOCK, DATA + 2 * BLOCK, got, 2 * BLOCK, 3 * BLOCK),
                    "block 2 = data block 1");
            assertTrue(Arrays.equals(new byte[BLOCK], 0, BLOCK, got, 3 * BLOCK, 4 * BLOCK), "block 3 zero");
            var cursor = disk.extents(0);
            assertEquals(org.glanceconvert.image.Extent.data(0, BLOCK, DATA), cursor.next());
            assertEquals(org.glanceconvert.image.Extent.unallocated(BLOCK, BLOCK), cursor.next());
            assertEquals(org.glanceconvert.image.Extent.data(2L * BLOCK, BLOCK, DATA + BLOCK), cursor.next());
            assertEquals(org.glanceconvert.image.Extent.zero(3L * BLOCK, BLOCK), cursor.next());
            assertEquals(null, cursor.next());
            // a read that straddles blocks and starts mid-block
            ByteBuffer part = ByteBuffer.allocate(4096);
            disk.read(2L * BLOCK - 2048, part);
            assertTrue(Arrays.equals(new byte[2048], 0, 2048, part.array(), 0, 2048));
            assertTrue(Arrays.equals(image, DATA + BLOCK, DATA + BLOCK + 2048, part.array(), 2048, 4096));
        }
    }

    @Test
    void blockMapPastEndOfFile() throws IOException {
        assertRefused(edited(b -> b.putInt(0x154, 0x400000)), Check.VDI_BLOCK_MAP);
    }

    @Test
    void dataOffsetInsideTheBlockMap() throws IOException {
        assertRefused(edited(b -> b.putInt(0x158, MAP)), Check.VDI_BLOCK_MAP);
    }

    @Test
    void entryPastBlocksAllocated() throws IOException {
        assertRefused(edited(b -> putEntries(b, 0, -1, 2, -2)), Check.VDI_BLOCK_MAP);
    }

    @Test
    void twoEntriesOnOneDataBlock() throws IOException {
        assertRefused(edited(b -> putEntries(b, 0, -1, 0, -2)), Check.VDI_BLOCK_MAP);
    }

    @Test
    void entryWhoseDataIsPastEndOfFile() throws IOException {
        // claims three allocated blocks; the file holds two
        assertRefused(edited(b -> {
            b.putInt(0x184, 3);
            putEntries(b, 0, 2, 1, -2);
        }), Check.VDI_BLOCK_MAP);
    }

    @Test
    void differencingAndUndoImages() throws IOException {
        for (int type : new int[] {3, 4}) {
            byte[] image = edited(b -> b.putInt(0x4c, type));
            assertRefused(image, Check.VDI_DIFFERENCING);
            assertEquals("differencing", inspect(image, Limits.DEFAULT).subformat());
        }
    }

    @Test
    void normalImageNamingAParent() throws IOException {
        assertRefused(edited(b -> b.put(0x1b8, (byte) 1)), Check.VDI_DIFFERENCING);
        assertRefused(edited(b -> b.put(0x1a8, (byte) 1)), Check.VDI_DIFFERENCING);
    }

    @Test
    void hugeBlockMapHitsTheTableLimitBeforeAnythingIsRead() throws IOException {
        // 0x3fffffff entries (4 GiB of map) for a 4 MiB disk
        assertRefused(edited(b -> b.putInt(0x180, 0x3fffffff)), Check.LIMITS_TABLE_SIZE);
        Limits small = new Limits(Limits.TiB, 8, Limits.MiB, Limits.MiB, Limits.GiB, 10_000);
        assertRefused(validImage(), Check.LIMITS_TABLE_SIZE, small);
    }

    @Test
    void virtualSizeAboveTheLimit() throws IOException {
        assertRefused(validImage(), Check.LIMITS_VIRTUAL_SIZE, Limits.DEFAULT.withMaxVirtualSize(Limits.MiB));
    }

    @Test
    void headerFieldsOutOfRange() throws IOException {
        List<Consumer<ByteBuffer>> edits = List.of(
                b -> b.putInt(0x44, 0x00010000),              // version 1.0
                b -> b.putInt(0x4c, 7),                       // unknown image type
                b -> b.putInt(0x48, 0x100),                   // header too small
                b -> b.putInt(0x168, 4096),                   // sector size
                b -> b.putInt(0x154, MAP + 4),                // unaligned block map
                b -> b.putInt(0x158, DATA + 1),               // unaligned data
                b -> b.putInt(0x178, 3 << 20),                // block size not a power of two
                b -> b.putInt(0x178, 0),                      // block size zero
                b -> b.putInt(0x17c, 512),                    // block extra data
                b -> b.putInt(0x184, 5),                      // more allocated than in image
                b -> b.putInt(0x180, 0x40000000),             // too many blocks
                b -> b.putLong(0x170, 5L * BLOCK),            // disk larger than the map covers
                b -> b.putLong(0x170, -1));                   // absurd disk size
        for (int i = 0; i < edits.size(); i++) {
            byte[] image = edited(edits.get(i));
            InspectionReport r = inspect(image, Limits.DEFAULT);
            assertEquals("vdi", r.format(), "edit " + i);
            assertTrue(r.hasProblem(Check.VDI_HEADER.id()), "edit " + i + ": " + r.problems());
            ImageFormatException e = assertThrows(ImageFormatException.class,
                    () -> new VdiFormat().open(new MemoryByteSource("x", image), Limits.DEFAULT).close());
            assertEquals(Check.VDI_HEADER, e.check(), "edit " + i);
        }
    }

    @Test
    void checkCountsAllocatedBlocks() throws IOException {
        // a consistent map whose header undercounts: inspect is content, check is not
        byte[] image = edited(b -> {
            b.putInt(0x184, 2);
            putEntries(b, 0, -1, -1, -2);
        });
        assertTrue(inspect(image, Limits.DEFAULT).safe());
        List<Finding> found = new VdiFormat().check(new MemoryByteSource("x", image), Limits.DEFAULT);
        assertEquals(1, found.size(), found.toString());
        assertEquals(Check.VDI_BLOCK_MAP.id(), found.get(0).check());
    }

    @Test
    void oddDiskSizeRoundsUpToASectorLikeQemu() throws IOException {
        byte[] image = edited(b -> b.putLong(0x170, 3L * BLOCK + 100));
        InspectionReport r = inspect(image, Limits.DEFAULT);
        assertTrue(r.safe(), r.problems().toString());
        assertEquals(3L * BLOCK + 512, r.virtualSize());
    }

    @Test
    void nearMissesAreRaw() throws IOException {
        byte[] image = validImage();
        for (int i = 0x40; i < 0x44; i++) {
            byte[] off = image.clone();
            off[i] ^= 1;
            assertEquals("raw", inspect(off, Limits.DEFAULT).format(), "signature byte " + i);
        }
        byte[] shifted = new byte[4096];
        System.arraycopy(image, 0x40, shifted, 0x41, 4);
        assertEquals("raw", inspect(shifted, Limits.DEFAULT).format());
        byte[] bigEndian = new byte[4096];
        ByteBuffer.wrap(bigEndian).putInt(0x40, 0xbeda107f);
        assertEquals("raw", inspect(bigEndian, Limits.DEFAULT).format());
    }
}
