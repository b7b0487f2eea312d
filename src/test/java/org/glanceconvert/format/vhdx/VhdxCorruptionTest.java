package org.glanceconvert.format.vhdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;

/**
 * Random damage to the metadata of a valid VHDX (resealed, so that it gets past the checksums):
 * inspection always answers, and a reader opened on whatever inspection accepts fails only with
 * I/O or format errors, never a runtime exception.
 */
class VhdxCorruptionTest {
    private static final DiskFormat VHDX = DiskFormats.byName("vhdx").orElseThrow();
    private static final int MiB = 1 << 20;

    @Test
    void randomMetadataDamageNeverEscapesAsARuntimeException() throws IOException {
        VhdxImageBuilder b = new VhdxImageBuilder(3 * MiB + 4096);
        b.blocks.put(0L, new byte[] {1, 2, 3});
        b.blocks.put(2L, new byte[] {4, 5, 6});
        b.states.put(1L, VhdxBat.PAYLOAD_ZERO);
        byte[] valid = b.build();
        int[][] areas = {
            {(int) VhdxHeader.FIRST_OFFSET, 80}, {(int) VhdxHeader.SECOND_OFFSET, 80},
            {(int) VhdxRegionTable.FIRST_OFFSET, 80}, {(int) VhdxRegionTable.SECOND_OFFSET, 80},
            {(int) VhdxImageBuilder.BAT_OFFSET, 64}, {(int) b.metadataOffset(), 256},
            {(int) b.metadataOffset() + VhdxMetadata.TABLE_SIZE, 48},
        };
        Random random = new Random(42);
        for (int round = 0; round < 400; round++) {
            byte[] file = valid.clone();
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                int[] area = areas[random.nextInt(areas.length)];
                file[area[0] + random.nextInt(area[1])] = (byte) random.nextInt(256);
            }
            VhdxImageBuilder.sealAll(file);
            InspectionReport report = TestImages.inspect(file, "x");
            if (!report.format().equals("vhdx") || !report.safe()) {
                continue;
            }
            try (VirtualDisk disk = VHDX.open(new MemoryByteSource("x", file), Limits.DEFAULT)) {
                assertEquals(report.virtualSize(), disk.size());
                ExtentCursor cursor = disk.extents(0);
                for (int i = 0; i < 100_000 && cursor.next() != null; i++) {
                    // walk (a damaged size may make the disk huge and sparse)
                }
                disk.read(0, ByteBuffer.allocate((int) Math.min(disk.size(), 4 << 20)));
            } catch (IOException e) {
                // a clear refusal is fine
            }
        }
    }
}
