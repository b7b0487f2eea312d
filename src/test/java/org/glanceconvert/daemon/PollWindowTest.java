package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PollWindowTest {
    private static final Instant H = Instant.parse("2026-11-28T12:00:00Z");
    private final PollWindow window = new PollWindow(Duration.ofMinutes(5));

    @TempDir
    Path dir;

    @Test
    void listingLooksBackByTheOverlap() {
        assertEquals(Instant.parse("2026-11-28T11:55:00Z"), window.listFrom(H));
    }

    @Test
    void theHorizonMovesToThePollStartButNotPastPendingImagesNorBack() {
        Instant started = H.plusSeconds(60);
        assertEquals(started, window.advance(H, started, List.of()));
        assertEquals(H.plusSeconds(10), window.advance(H, started, List.of(H.plusSeconds(30), H.plusSeconds(10))),
                "an image still in progress holds the horizon");
        assertEquals(H, window.advance(H, started, List.of(H.minusSeconds(600))), "never back");
        assertEquals(started, window.advance(H, started, List.of(started.plusSeconds(5))));
    }

    @Test
    void theHorizonSurvivesARestartAndABrokenFileIsNoHorizon() throws Exception {
        HorizonStore store = new HorizonStore(dir.resolve("cloud/state/horizon"));
        assertTrue(store.load().isEmpty());
        store.save(H);
        assertEquals(H, new HorizonStore(dir.resolve("cloud/state/horizon")).load().orElseThrow());
        store.save(H.plusSeconds(1));
        assertEquals(H.plusSeconds(1), store.load().orElseThrow());
        assertTrue(Files.notExists(dir.resolve("cloud/state/horizon.tmp")), "written by rename");
        Files.writeString(store.file(), "garbage");
        assertTrue(store.load().isEmpty());
    }
}
