package org.glanceconvert.convert;

import static org.glanceconvert.image.Extent.Kind.DATA;
import static org.glanceconvert.image.Extent.Kind.UNALLOCATED;
import static org.glanceconvert.image.Extent.Kind.ZERO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.glanceconvert.image.Extent;
import org.junit.jupiter.api.Test;

class SpanPlannerTest {

    @Test
    void granulesTouchedByDataAreReadAndTheRestAreHoles() throws IOException {
        // 0-1000 data, 1000-9000 zero, 9000-9100 data, 9100-20000 unallocated, 20000-20480 data (end)
        ExtentListDisk disk = new ExtentListDisk(new byte[20480],
                ExtentListDisk.map(DATA, 1000, ZERO, 8000, DATA, 100, UNALLOCATED, 10900, DATA, 480));
        assertEquals(List.of(
                new Span(0, 1024, true),
                new Span(1024, 8192 - 1024, false),
                new Span(8192, 1024, true),
                new Span(9216, 19456 - 9216, false),
                new Span(19456, 20480 - 19456, true)), spans(disk, 1024));
        assertEquals(List.of(new Span(0, 20480, true)), spans(disk, 32768));
    }

    @Test
    void dataRunsThatShareAGranuleJoin() throws IOException {
        ExtentListDisk disk = new ExtentListDisk(new byte[8192],
                ExtentListDisk.map(DATA, 512, ZERO, 512, DATA, 512, ZERO, 2560, DATA, 4096));
        assertEquals(List.of(new Span(0, 8192, true)), spans(disk, 4096));
        assertEquals(List.of(new Span(0, 2048, true), new Span(2048, 2048, false), new Span(4096, 4096, true)),
                spans(disk, 2048));
    }

    @Test
    void aDiskWithNoDataIsOneHoleAndAnEmptyDiskHasNoSpans() throws IOException {
        assertEquals(List.of(new Span(0, 5000, false)),
                spans(new ExtentListDisk(new byte[5000], ExtentListDisk.map(UNALLOCATED, 5000)), 512));
        assertEquals(List.of(), spans(new ExtentListDisk(new byte[0], List.of()), 512));
    }

    @Test
    void aMapWithAGapIsRefused() {
        ExtentListDisk broken = new ExtentListDisk(new byte[4096],
                List.of(Extent.data(0, 1024, 0), Extent.data(2048, 2048, 2048)));
        assertThrows(IOException.class, () -> spans(broken, 512));
        ExtentListDisk shortMap = new ExtentListDisk(new byte[4096], List.of(Extent.data(0, 1024, 0)));
        assertThrows(IOException.class, () -> spans(shortMap, 512));
    }

    /** Random maps: spans tile the disk, align, and every DATA byte lies in a data span. */
    @Test
    void randomMapsArePlannedSoundly() throws IOException {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            List<Object> pairs = new ArrayList<>();
            int size = 0;
            int runs = 1 + random.nextInt(12);
            Extent.Kind[] kinds = Extent.Kind.values();
            for (int r = 0; r < runs; r++) {
                int len = 1 + random.nextInt(r % 3 == 0 ? 100 : 20000);
                pairs.add(kinds[random.nextInt(3)]);
                pairs.add(len);
                size += len;
            }
            List<Extent> map = ExtentListDisk.map(pairs.toArray());
            ExtentListDisk disk = new ExtentListDisk(new byte[size], map);
            int granule = 1 << (9 + random.nextInt(6));
            long pos = 0;
            for (Span s : spans(disk, granule)) {
                assertEquals(pos, s.start());
                assertEquals(0, s.start() % granule);
                assertEquals(true, s.end() == size || s.end() % granule == 0);
                if (!s.mayHoldData()) {
                    for (Extent e : map) {
                        boolean overlaps = e.start() < s.end() && e.end() > s.start();
                        assertEquals(false, overlaps && e.kind() == DATA, "hole over data " + e + " " + s);
                    }
                }
                pos = s.end();
            }
            assertEquals(size, pos);
        }
    }

    static List<Span> spans(ExtentListDisk disk, int granule) throws IOException {
        List<Span> spans = new ArrayList<>();
        SpanPlanner planner = new SpanPlanner(disk, granule);
        for (Span s = planner.next(); s != null; s = planner.next()) {
            spans.add(s);
        }
        return spans;
    }
}
