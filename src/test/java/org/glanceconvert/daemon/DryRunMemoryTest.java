package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.glanceconvert.glance.GlanceImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DryRunMemoryTest {
    @TempDir
    Path dir;

    private static GlanceImage image(String id, String updated, String hash) {
        return Images.with(Images.json(id, "p", "raw", "active").put("updated_at", updated).put("os_hash_value", hash), Map.of());
    }

    @Test
    void remembersAcrossRestartsUntilTheImageChanges() throws Exception {
        Path file = dir.resolve("state/dry-run-decisions.jsonl");
        GlanceImage a = image("a", "2026-11-28T10:00:00Z", "h1");
        try (DryRunMemory m = DryRunMemory.open(file)) {
            assertFalse(m.known(a));
            m.remember(a, "convert");
            m.remember(image("b", "2026-11-28T10:00:00Z", "h2"), "ok");
            m.remember(image("b", "2026-11-28T11:00:00Z", "h2"), "skip");
            assertTrue(m.known(a));
        }
        Files.writeString(file, "{torn\n", java.nio.file.StandardOpenOption.APPEND);
        try (DryRunMemory m = DryRunMemory.open(file)) {
            assertEquals(2, m.size());
            assertTrue(m.known(a));
            assertFalse(m.known(image("a", "2026-11-28T10:00:01Z", "h1")), "edited");
            assertFalse(m.known(image("a", "2026-11-28T10:00:00Z", "other")), "other data");
            assertTrue(m.known(image("b", "2026-11-28T11:00:00Z", "h2")), "the last decision of an image wins");
        }
        assertEquals(2, Files.readAllLines(file).size(), "compacted at start");
    }
}
