package org.glanceconvert.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.glanceconvert.log.Action;
import org.junit.jupiter.api.Test;

class AuditSummaryTest {
    private static final long MIB = 1L << 20;

    @Test
    void countsFormatsChecksActionsAndBytes() {
        AuditSummary s = AuditEntries.summarize(AuditEntries.sample());
        assertEquals(8, s.images());
        assertEquals(7, s.inspected());
        assertEquals(2, s.unsafe());
        assertEquals(Map.of("vmdk->raw", 1L, "raw->qcow2", 2L, "vmdk->vmdk", 1L, "qcow2->qcow2", 1L, "raw->raw", 1L,
                "vhd->vhd", 1L), s.declaredToReal());
        assertEquals(Map.of("qcow2.backing_file", 2L, "qcow2.data_file", 1L), s.unsafeByCheck());
        assertEquals(Map.of(Action.OK, 1L, Action.RELABEL, 1L, Action.CONVERT, 3L, Action.REJECT, 2L, Action.SKIP, 1L,
                Action.FAIL, 0L), s.byAction());
        assertEquals(Map.of(ReadPath.RANGE, 7L, ReadPath.STREAM, 0L, ReadPath.NONE, 1L), s.byReadPath());
        // i2: 10 MiB raw from a 2 MiB qcow2 adds 8 MiB; i7: the fixed vhd's footer is saved; i3 is unknown
        assertEquals(8 * MIB, s.bytesAdded());
        assertEquals(512, s.bytesSaved());
        assertEquals(1, s.estimatesUnknown());
        assertEquals(7 * 4096, s.bytesRead());
    }

    @Test
    void anImageWithoutADiskFormatCountsAsNone() {
        assertEquals("none->raw", AuditSummary.transition(null, "raw"));
        assertEquals("none->raw", AuditSummary.transition("", "raw"));
    }
}
