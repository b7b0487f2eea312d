package org.glanceconvert.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Map;
import org.glanceconvert.format.vhdx.VhdxSamples;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import org.junit.jupiter.api.Test;

/** The fuzzers start from valid images: every checked-in seed is one, of its target's format. */
class FuzzSeedsTest {
    @Test
    void everySeedIsAValidImageOfItsTarget() throws IOException {
        for (var target : FuzzSeeds.seeds().entrySet()) {
            for (Map.Entry<String, byte[]> seed : target.getValue().entrySet()) {
                byte[] stored = Files.readAllBytes(FuzzSeeds.INPUTS.resolve(target.getKey()).resolve(seed.getKey()));
                ByteSource source = target.getKey().equals("vhdx") ? OverlaySource.decode(stored)
                        : new MemoryByteSource(seed.getKey(), stored);
                InspectionReport r = new Inspector(Limits.DEFAULT).inspect(source, seed.getKey());
                String where = target.getKey() + "/" + seed.getKey();
                if (!target.getKey().equals("inspector")) {
                    assertEquals(target.getKey(), r.format(), where);
                }
                // two seeds are meant to be refused: a nested image, a descriptor naming another file
                boolean unsafe = seed.getKey().equals("seed-mbr-with-qcow2") || seed.getKey().startsWith("seed-descriptor");
                assertEquals(!unsafe, r.safe(), where + ": " + r.problems());
            }
        }
    }

    @Test
    void overlayEncodingRoundTrips() throws IOException {
        byte[] file = VhdxSamples.mostlyZero();
        ByteSource decoded = OverlaySource.decode(OverlaySource.encode(file));
        assertEquals(file.length, decoded.size());
        ByteBuffer all = ByteBuffer.allocate(file.length);
        decoded.readFully(0, all);
        assertArrayEquals(file, all.array());
        assertTrue(OverlaySource.encode(file).length < 32 * 1024, "a small seed");
    }
}
