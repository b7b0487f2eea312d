package org.glanceconvert.format.vmdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import org.junit.jupiter.api.Test;

/** A 1 TiB stream with three grains: tiny file, few extents, bounded memory. */
class VmdkLargeDiskTest {

    @Test
    void oneTebibyteStreamWithThreeGrains() throws IOException {
        CraftedVmdk crafted = new CraftedVmdk();
        crafted.grainSectors = 128;
        crafted.capacitySectors = Limits.TiB / 512;
        long last = crafted.capacitySectors / crafted.grainSectors - 1;
        crafted.randomGrain(0, 1).randomGrain(123_456, 2).randomGrain(last, 3);
        byte[] image = crafted.buildStreamOptimized();
        assertTrue(image.length < 512 * 1024, "file of " + image.length + " bytes");

        InspectionReport report = new Inspector(Limits.DEFAULT).inspect(new MemoryByteSource("big.vmdk", image), "big");
        assertTrue(report.safe(), report.problems().toString());
        assertEquals(Limits.TiB, report.virtualSize());

        Limits smallCache = new Limits(16 * Limits.TiB, 32 * Limits.MiB, Limits.MiB, 64 * 1024,
                Limits.GiB, 30_000);
        try (VirtualDisk disk = new VmdkFormat().open(new MemoryByteSource("big.vmdk", image), smallCache)) {
            List<Extent> extents = new ArrayList<>();
            ExtentCursor cursor = disk.extents(0);
            for (Extent e = cursor.next(); e != null; e = cursor.next()) {
                extents.add(e);
            }
            long grain = 65536;
            assertEquals(List.of(Extent.data(0, grain, -1), Extent.unallocated(grain, 123_455 * grain),
                    Extent.data(123_456 * grain, grain, -1),
                    Extent.unallocated(123_457 * grain, Limits.TiB - grain - 123_457 * grain),
                    Extent.data(Limits.TiB - grain, grain, -1)), extents);
            byte[] got = new byte[(int) grain];
            disk.read(123_456 * grain, ByteBuffer.wrap(got));
            assertArrayEquals(crafted.grains.get(123_456L), got);
        }
        assertEquals(List.of(), new VmdkFormat().check(new MemoryByteSource("big.vmdk", image), Limits.DEFAULT));
    }
}
