package org.glanceconvert.format.vmdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import org.glanceconvert.testing.QemuImg;

/** Comparisons of our reading of a VMDK with qemu-img's. */
final class VmdkTestSupport {
    private VmdkTestSupport() {
    }

    static InspectionReport inspect(Path file) throws IOException {
        try (FileByteSource source = FileByteSource.open(file)) {
            return new Inspector(Limits.DEFAULT).inspect(source, file.getFileName().toString());
        }
    }

    static VirtualDisk open(Path file) throws IOException {
        return new VmdkFormat().open(FileByteSource.open(file), Limits.DEFAULT);
    }

    /** Data ranges {start, length, offset or -1}, joined where they continue each other. */
    static List<List<Long>> dataRanges(VirtualDisk disk) throws IOException {
        List<long[]> runs = new ArrayList<>();
        ExtentCursor cursor = disk.extents(0);
        for (Extent e = cursor.next(); e != null; e = cursor.next()) {
            if (e.kind() == Extent.Kind.DATA) {
                runs.add(new long[] {e.start(), e.length(), e.hostOffset()});
            }
        }
        return joined(runs);
    }

    static List<List<Long>> dataRanges(JsonNode qemuMap) {
        List<long[]> runs = new ArrayList<>();
        for (JsonNode entry : qemuMap) {
            if (entry.get("data").asBoolean()) {
                runs.add(new long[] {entry.get("start").asLong(), entry.get("length").asLong(),
                        entry.has("offset") ? entry.get("offset").asLong() : -1});
            }
        }
        return joined(runs);
    }

    private static List<List<Long>> joined(List<long[]> runs) {
        List<List<Long>> out = new ArrayList<>();
        long[] current = null;
        for (long[] run : runs) {
            if (current != null && current[0] + current[1] == run[0]
                    && ((current[2] < 0 && run[2] < 0) || (current[2] >= 0 && current[2] + current[1] == run[2]))) {
                current[1] += run[1];
                continue;
            }
            if (current != null) {
                out.add(List.of(current[0], current[1], current[2]));
            }
            current = run.clone();
        }
        if (current != null) {
            out.add(List.of(current[0], current[1], current[2]));
        }
        return out;
    }

    /** Asserts that our extents agree with {@code qemu-img map} on data ranges and their offsets. */
    static void assertSameMap(Path file, VirtualDisk disk) throws IOException {
        assertEquals(dataRanges(QemuImg.map(file, "vmdk")), dataRanges(disk), "data ranges of " + file);
    }

    /** Asserts the extents cover the disk from 0 with no gap or overlap. */
    static void assertExtentsCover(VirtualDisk disk) throws IOException {
        long pos = 0;
        ExtentCursor cursor = disk.extents(0);
        for (Extent e = cursor.next(); e != null; e = cursor.next()) {
            assertEquals(pos, e.start(), "extent start");
            pos = e.end();
        }
        assertEquals(disk.size(), pos, "extents end at the disk size");
    }
}
