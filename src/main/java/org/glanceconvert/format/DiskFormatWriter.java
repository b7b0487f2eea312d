package org.glanceconvert.format;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.VirtualDisk;

/**
 * Writes a virtual disk as one output format. Writers live beside their format's reader and are
 * listed in {@link DiskFormats#writer}.
 */
public interface DiskFormatWriter {

    /** The output format's name (Glance disk_format). */
    String name();

    /**
     * Refuses, before any byte is written, options this writer does not know and sources beyond
     * the format's limits (VHD 2040 GiB, sparse VMDK 2 TiB, ...).
     */
    void validate(VirtualDisk source, WriteOptions options) throws ImageFormatException;

    /**
     * True when {@link #writeStream} can produce this output strictly in order. Not by default:
     * most formats put tables in front of data whose size or place is known only once written.
     */
    default boolean streamable(WriteOptions options) {
        return false;
    }

    /**
     * True when {@link #writeStream} decides where data goes from the source's extents before it
     * reads any data (a streamed qcow2), so it can leave out only ranges the extents already say
     * read as zero; a caller that wants zero data left out too maps the source first
     * ({@code NonZeroBlocks.premapped}). Writers that find zeros as they copy answer false.
     */
    default boolean streamPlansFromExtents(WriteOptions options) {
        return false;
    }

    /**
     * Writes the image into an empty file. May seek and leave holes; the file ends at exactly
     * the image's length.
     */
    void write(VirtualDisk source, FileChannel out, WriteOptions options, WriteProgress progress) throws IOException;

    /**
     * Writes the image strictly in order, each byte once, to a stream (stdout, an HTTP upload).
     * Only called when {@link #streamable} is true.
     */
    default void writeStream(VirtualDisk source, WritableByteChannel out, WriteOptions options, WriteProgress progress)
            throws IOException {
        throw new ImageFormatException(Check.FORMAT_UNSUPPORTED, name() + " output cannot be written as a stream");
    }
}
