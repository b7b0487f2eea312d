package org.glanceconvert.convert;

import java.time.Duration;

/**
 * What one conversion did.
 *
 * @param format         output format name
 * @param virtualSize    virtual size of the disk converted
 * @param bytesRead      bytes read from the source disk (holes per its allocation map are not read)
 * @param bytesWritten   length of the output (file length, or bytes sent down the stream)
 * @param allocatedBytes bytes the output file occupies on disk, or -1 for a stream or when unknown
 * @param streamed       true when written strictly in order to a stream
 * @param elapsed        wall time of the whole conversion
 */
public record ConversionResult(String format, long virtualSize, long bytesRead, long bytesWritten,
                               long allocatedBytes, boolean streamed, Duration elapsed) {

    /** Virtual bytes converted per second. */
    public double virtualBytesPerSecond() {
        double seconds = Math.max(elapsed.toNanos(), 1) / 1e9;
        return virtualSize / seconds;
    }
}
