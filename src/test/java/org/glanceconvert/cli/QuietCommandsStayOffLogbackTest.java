package org.glanceconvert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.image.Limits;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A conversion at the default log level never starts logback: initialising it costs a short
 * command about 40 ms of its start-up, and the write path once did it by holding a logger (the
 * cache-mode chooser). A child JVM lists the classes it loads; a run at level info, which logs,
 * shows that the listing sees logback when it is there.
 */
class QuietCommandsStayOffLogbackTest {
    private static final String LOGBACK = "ch.qos.logback.classic.LoggerContext";

    @TempDir
    Path dir;

    @Test
    void convertAtTheDefaultLevelLoadsNoLogback() throws Exception {
        // Past auto's 16 MiB probe, so the chooser measures windows of page-cache writes too.
        Path source = TestImages.patternedRaw(dir.resolve("src.raw"), 48 * Limits.MiB, 3);
        for (String cache : List.of("auto", "none", "writeback")) {
            String classes = convert(source, dir.resolve(cache + ".qcow2"), cache, null);
            assertFalse(classes.contains(LOGBACK), "-t " + cache + " started logback");
        }
        String logged = convert(source, dir.resolve("logged.qcow2"), "auto", "info");
        assertTrue(logged.contains(LOGBACK), "at level info the conversion logs, and the listing must show it");
    }

    /** Runs {@code convert} in a child JVM; returns its class-loading listing. */
    private String convert(Path source, Path target, String cache, String level) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Xshare:off", "-Xlog:class+load=info:file=" + dir.resolve("classes.txt"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "convert", "-t", cache, "-O", "qcow2",
                source.toString(), target.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.txt").toFile());
        builder.environment().remove("GLANCE_CONVERT_LOG_LEVEL");
        if (level != null) {
            builder.environment().put("GLANCE_CONVERT_LOG_LEVEL", level);
        }
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "convert did not finish");
        assertEquals(0, process.exitValue(), Files.readString(dir.resolve("output.txt")));
        return Files.readString(dir.resolve("classes.txt"), StandardCharsets.UTF_8);
    }
}
