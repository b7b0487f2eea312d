package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkDirTest {
    @TempDir
    Path dir;

    @Test
    void aReservationThatWouldCrossTheFloorFailsAlone() throws Exception {
        WorkDir roomy = new WorkDir(dir, 0);
        roomy.reserve(1 << 20, "a small thing");
        WorkDir full = new WorkDir(dir, Long.MAX_VALUE / 2);
        WorkDir.WorkDirFullException e = assertThrows(WorkDir.WorkDirFullException.class,
                () -> full.reserve(1, "staging image x"));
        assertTrue(e.getMessage().contains("work_dir_min_free") && e.getMessage().contains("staging image x"), e.getMessage());
        assertThrows(WorkDir.WorkDirFullException.class, () -> roomy.reserve(Long.MAX_VALUE, "everything"));
    }

    @Test
    void prepareRemovesWhatADeadProcessLeft() throws Exception {
        WorkDir w = new WorkDir(dir, 0);
        w.prepare("c");
        Path leftover = Files.writeString(w.tmpDir("c").resolve("x.source.part"), "half");
        Files.writeString(w.stateDir("c").resolve("horizon"), "2026-11-28T10:00:00Z");
        w.prepare("c");
        assertTrue(Files.notExists(leftover));
        assertTrue(Files.exists(w.stateDir("c").resolve("horizon")), "state is kept");
    }
}
