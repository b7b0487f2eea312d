package org.glanceconvert.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.glanceconvert.audit.SizeEstimate.Basis;
import org.glanceconvert.log.Action;
import org.junit.jupiter.api.Test;

class SizeEstimateTest {
    private static final long GIB = 1L << 30;

    @Test
    void onlyRelabelAndConvertHaveAnEstimate() {
        for (Action a : new Action[] {Action.OK, Action.REJECT, Action.SKIP, Action.FAIL}) {
            assertNull(SizeEstimate.of(a, "raw", "qcow2", null, 10 * GIB, GIB), a.id());
        }
    }

    @Test
    void aRelabelKeepsTheSameBytes() {
        assertEquals(new SizeEstimate(GIB, Basis.SAME_BYTES, 0L), SizeEstimate.of(Action.RELABEL, "raw", "raw", null, GIB, GIB));
    }

    @Test
    void aRawTargetIsTheVirtualSize() {
        assertEquals(new SizeEstimate(10 * GIB, Basis.VIRTUAL_SIZE, 9 * GIB),
                SizeEstimate.of(Action.CONVERT, "raw", "qcow2", "v3", 10 * GIB, GIB));
        // streamOptimized source: the raw target does not depend on compression
        assertEquals(new SizeEstimate(10 * GIB, Basis.VIRTUAL_SIZE, 8 * GIB),
                SizeEstimate.of(Action.CONVERT, "raw", "vmdk", "streamOptimized", 10 * GIB, 2 * GIB));
    }

    @Test
    void aSparseTargetFromRawIsAtMostTheVirtualSize() {
        assertEquals(new SizeEstimate(10 * GIB, Basis.VIRTUAL_SIZE_UPPER_BOUND, 0L),
                SizeEstimate.of(Action.CONVERT, "qcow2", "raw", null, 10 * GIB, 10 * GIB));
        assertEquals(Basis.VIRTUAL_SIZE_UPPER_BOUND, SizeEstimate.of(Action.CONVERT, "qcow2", "iso", null, GIB, GIB).basis());
    }

    @Test
    void aSparseTargetFromAnUncompressedSparseSourceKeepsItsData() {
        assertEquals(new SizeEstimate(3 * GIB, Basis.STORED_DATA, 0L),
                SizeEstimate.of(Action.CONVERT, "qcow2", "vhd", "dynamic", 10 * GIB, 3 * GIB));
        // a fixed vhd stores its virtual size plus a footer: the target is never above the virtual size
        assertEquals(new SizeEstimate(GIB, Basis.STORED_DATA, -512L),
                SizeEstimate.of(Action.CONVERT, "qcow2", "vhd", "fixed", GIB, GIB + 512));
    }

    @Test
    void compressionMakesItUnknown() {
        SizeEstimate unknown = new SizeEstimate(null, Basis.UNKNOWN, null);
        assertEquals(unknown, SizeEstimate.of(Action.CONVERT, "qcow2", "vmdk", "streamOptimized", 10 * GIB, GIB));
        assertEquals(unknown, SizeEstimate.of(Action.CONVERT, "vmdk", "qcow2", "v3", 10 * GIB, GIB));
        assertEquals(unknown, SizeEstimate.of(Action.CONVERT, "raw", "qcow2", "v3", null, GIB));
    }
}
