package org.glanceconvert.format.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.SparseFiles;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw disks take their extents from the file's holes, as qemu-img map does. */
class RawDiskTest {
    private static final long GiB = 1L << 30;

    @TempDir
    Path dir;

    private static List<Extent> extents(VirtualDisk disk) throws IOException {
        List<Extent> all = new ArrayList<>();
        ExtentCursor cursor = disk.extents(0).coalesced();
        for (Extent e = cursor.next(); e != null; e = cursor.next()) {
            all.add(e);
        }
        return all;
    }

    @Test
    void sparseGibibyteListsItsExtentsInMilliseconds() throws IOException {
        assumeTrue(SparseFiles.available(), "no SEEK_DATA/SEEK_HOLE on this platform");
        Path file = dir.resolve("sparse.raw");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(GiB);
            f.seek(GiB / 2);
            f.write(new byte[] {1, 2, 3});
        }
        try (FileByteSource source = FileByteSource.open(file);
             VirtualDisk disk = new RawFormat().open(source, Limits.DEFAULT)) {
            // best of three walks, so a busy machine does not make the test flaky; reading the
            // gibibyte instead of seeking over its holes would take seconds
            List<Extent> extents = null;
            long millis = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                extents = extents(disk);
                millis = Math.min(millis, (System.nanoTime() - t0) / 1_000_000);
            }
            assertTrue(millis < 200, "walking the extents of a sparse 1 GiB file took " + millis + " ms");
            assertEquals(3, extents.size(), extents.toString());
            assertEquals(Extent.Kind.ZERO, extents.get(0).kind());
            assertEquals(Extent.Kind.DATA, extents.get(1).kind());
            assertTrue(extents.get(1).start() <= GiB / 2 && extents.get(1).end() >= GiB / 2 + 3);
            assertTrue(extents.get(1).length() <= 1 << 20, "data run is one file system block, not the file");
            assertEquals(Extent.Kind.ZERO, extents.get(2).kind());
            assertEquals(GiB, extents.get(2).end());
        }
    }

    @Test
    void dataAndHolesAgreeWithQemuImgMap() throws IOException {
        QemuImg.assumeAvailable();
        assumeTrue(SparseFiles.available(), "no SEEK_DATA/SEEK_HOLE on this platform");
        Path file = TestImages.patternedRaw(dir.resolve("patterned.raw"), 6L << 20, 11);
        List<long[]> qemuData = new ArrayList<>();
        for (JsonNode q : QemuImg.map(file, "raw")) {
            if (q.get("data").asBoolean()) {
                add(qemuData, q.get("start").asLong(), q.get("start").asLong() + q.get("length").asLong());
            }
        }
        List<long[]> ours = new ArrayList<>();
        try (FileByteSource source = FileByteSource.open(file);
             VirtualDisk disk = new RawFormat().open(source, Limits.DEFAULT)) {
            long expected = 0;
            for (Extent e : extents(disk)) {
                assertEquals(expected, e.start());
                expected = e.end();
                if (e.kind() == Extent.Kind.DATA) {
                    assertEquals(e.start(), e.hostOffset());
                    add(ours, e.start(), e.end());
                }
            }
            assertEquals(disk.size(), expected);
            TestImages.assertSameContent(file, disk);
        }
        assertTrue(qemuData.size() > 1, "the pattern has holes");
        assertEquals(render(qemuData), render(ours));
    }

    private static void add(List<long[]> ranges, long start, long end) {
        if (!ranges.isEmpty() && ranges.get(ranges.size() - 1)[1] == start) {
            ranges.get(ranges.size() - 1)[1] = end;
        } else {
            ranges.add(new long[] {start, end});
        }
    }

    private static String render(List<long[]> ranges) {
        StringBuilder s = new StringBuilder();
        for (long[] r : ranges) {
            s.append(r[0]).append("..").append(r[1]).append('\n');
        }
        return s.toString();
    }
}
