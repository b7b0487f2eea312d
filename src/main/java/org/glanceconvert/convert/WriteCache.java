package org.glanceconvert.convert;

import java.util.Locale;
import java.util.Optional;

/**
 * How an output file's bulk data reaches the disk, by the customary cache-mode names ({@code none}
 * bypasses the page cache, {@code writeback} uses it).
 * Headers, tables and anything unaligned always go through the page cache.
 */
public enum WriteCache {
    /**
     * Through the page cache while it takes data faster than direct I/O does, measured while
     * writing ({@link WritePathChooser}); with direct I/O from there on. Falls back to the page
     * cache on file systems without direct I/O.
     */
    AUTO,
    /** Always through the page cache. */
    WRITEBACK,
    /** Always with direct I/O ({@code O_DIRECT}); refused on file systems without it. */
    NONE;

    /** The name on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<WriteCache> byName(String name) {
        for (WriteCache mode : values()) {
            if (mode.cliName().equals(name)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
