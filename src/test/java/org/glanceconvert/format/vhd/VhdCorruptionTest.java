package org.glanceconvert.format.vhd;

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
 * Random damage to the metadata of a valid VHD: inspection always answers, and a reader opened on
 * whatever inspection accepts fails only with I/O or format errors, never a runtime exception.
 */
class VhdCorruptionTest {
    private static final DiskFormat VHD = DiskFormats.byName("vhd").orElseThrow();

    @Test
    void randomMetadataDamageNeverEscapesAsARuntimeException() throws IOException {
        VhdImageBuilder b = new VhdImageBuilder(3 * 512 * 1024 + 4096);
        b.blockSize = 512 * 1024;
        b.blocks.put(0, new byte[] {1, 2, 3});
        b.blocks.put(3, new byte[] {4, 5, 6});
        byte[] valid = b.dynamic();
        Random random = new Random(42);
        for (int round = 0; round < 400; round++) {
            byte[] file = valid.clone();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                int at = random.nextInt(4) == 0 ? file.length - 512 + random.nextInt(512) : random.nextInt(4096);
                file[at] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                VhdImageBuilder.sealFooter(file, 0);
                VhdImageBuilder.sealHeader(file, VhdImageBuilder.HEADER_OFFSET);
            }
            InspectionReport report = TestImages.inspect(file, "x");
            if (!report.format().equals("vhd") || !report.safe()) {
                continue;
            }
            try (VirtualDisk disk = VHD.open(new MemoryByteSource("x", file), Limits.DEFAULT)) {
                assertEquals(report.virtualSize(), disk.size());
                ExtentCursor cursor = disk.extents(0);
                while (cursor.next() != null) {
                    // walk all
                }
                disk.read(0, ByteBuffer.allocate((int) Math.min(disk.size(), 4 << 20)));
            } catch (IOException e) {
                // a clear refusal is fine
            }
        }
    }
}
