package org.glanceconvert.format;

/** Told how far a writer has got, in virtual bytes; drives {@code -p} and log progress. */
@FunctionalInterface
public interface WriteProgress {
    WriteProgress NONE = bytes -> { };

    /** {@code virtualBytes} more of the source have been written (or skipped as zero). */
    void advanced(long virtualBytes);
}
