package org.glanceconvert.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class judged by qemu-img: skipped where qemu-img is missing (never in CI, see
 * {@link QemuImg#assumeAvailable}), with a fresh directory for each test.
 */
public abstract class QemuOracleTest {
    @TempDir
    protected Path dir;

    @BeforeAll
    static void requireQemuImg() {
        QemuImg.assumeAvailable();
    }
}
