package org.glanceconvert.convert;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WritePathChooserTest {
    private static final long MIB = 1 << 20;
    /** 1 MiB per millisecond: about 1 GB/s. */
    private static final long DIRECT_NANOS_PER_MIB = 1_000_000;

    @Test
    void noneAlwaysGoesDirectAndWritebackNever() {
        WritePathChooser none = new WritePathChooser(WriteCache.NONE);
        WritePathChooser writeback = new WritePathChooser(WriteCache.WRITEBACK);
        for (int i = 0; i < 200; i++) {
            assertTrue(none.direct());
            none.wrote(true, MIB, 100 * DIRECT_NANOS_PER_MIB);
            assertFalse(writeback.direct());
            writeback.wrote(false, MIB, 100 * DIRECT_NANOS_PER_MIB);
        }
        assertFalse(writeback.switchedToDirect());
    }

    @Test
    void autoProbesDirectFirstThenStaysInThePageCacheWhileItIsFast() {
        WritePathChooser auto = probed();
        for (int i = 0; i < 1000; i++) {
            assertFalse(auto.direct(), "write " + i);
            auto.wrote(false, MIB, DIRECT_NANOS_PER_MIB / 4);
        }
        assertFalse(auto.switchedToDirect());
    }

    @Test
    void oneSlowWindowIsAStallNotAReasonToSwitch() {
        WritePathChooser auto = probed();
        // 100 ms spent on 4 MiB closes a window at 40 MB/s; the next window is fast again.
        auto.wrote(false, 4 * MIB, WritePathChooser.WINDOW_NANOS);
        for (int i = 0; i < 64; i++) {
            auto.wrote(false, MIB, DIRECT_NANOS_PER_MIB / 4);
        }
        auto.wrote(false, 4 * MIB, WritePathChooser.WINDOW_NANOS);
        assertFalse(auto.direct());
        assertFalse(auto.switchedToDirect());
    }

    @Test
    void twoSlowWindowsInARowSendTheRestDirect() {
        WritePathChooser auto = probed();
        for (int i = 0; i < 64; i++) {
            auto.wrote(false, MIB, DIRECT_NANOS_PER_MIB / 4);
        }
        // Less than half the probe's rate, window after window; windows close on time.
        long slow = 3 * DIRECT_NANOS_PER_MIB;
        long spent = 0;
        while (!auto.switchedToDirect()) {
            assertFalse(auto.direct());
            auto.wrote(false, MIB, slow);
            spent += slow;
        }
        assertTrue(spent <= 2 * (WritePathChooser.WINDOW_NANOS + slow), "switched after " + spent + " ns");
        for (int i = 0; i < 100; i++) {
            assertTrue(auto.direct());
            auto.wrote(true, MIB, 100 * DIRECT_NANOS_PER_MIB); // direct does not switch back, however slow
        }
    }

    @Test
    void aPageCacheThrottledToTheDevicesSpeedIsKept() {
        // Bare metal past the dirty limit: buffered writes slow to about the device's rate.
        WritePathChooser auto = probed();
        for (int i = 0; i < 1000; i++) {
            auto.wrote(false, MIB, DIRECT_NANOS_PER_MIB * 3 / 2);
        }
        assertFalse(auto.switchedToDirect());
    }

    /** An auto chooser past its probe, which measured direct I/O at about 1 GB/s. */
    private static WritePathChooser probed() {
        WritePathChooser auto = new WritePathChooser(WriteCache.AUTO);
        for (long done = 0; done < WritePathChooser.PROBE_BYTES; done += MIB) {
            assertTrue(auto.direct());
            auto.wrote(true, MIB, DIRECT_NANOS_PER_MIB);
        }
        return auto;
    }
}
