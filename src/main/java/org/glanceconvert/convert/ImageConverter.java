package org.glanceconvert.convert;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.glanceconvert.format.DiskFormatWriter;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.SparseFiles;
import org.glanceconvert.image.VirtualDisk;

/**
 * Converts an opened virtual disk with one writer, to a file (atomically) or to a stream. The
 * entry point for the {@code convert} command and the daemon; the source is already inspected,
 * found safe, and opened by its reader.
 */
public final class ImageConverter {
    private final DiskFormatWriter writer;
    private final WriteOptions options;
    private final boolean durable;
    private final WriteCache cache;

    public ImageConverter(DiskFormatWriter writer, WriteOptions options) {
        this(writer, options, false, WriteCache.AUTO);
    }

    private ImageConverter(DiskFormatWriter writer, WriteOptions options, boolean durable, WriteCache cache) {
        this.writer = writer;
        this.options = options;
        this.durable = durable;
        this.cache = cache;
    }

    /**
     * A converter that forces file output to disk before renaming it into place, for callers that
     * must survive a power loss (the default, like QEMU, leaves that to the page cache).
     */
    public ImageConverter durable(boolean value) {
        return new ImageConverter(writer, options, value, cache);
    }

    /** A converter whose file output's bulk data reaches the disk as {@code value} says (default auto). */
    public ImageConverter writeCache(WriteCache value) {
        return new ImageConverter(writer, options, durable, value);
    }

    /** Refuses unknown options and sources beyond the output format's limits, before any write. */
    public void validate(VirtualDisk source) throws ImageFormatException {
        writer.validate(source, options);
    }

    /** True when the output can be written strictly in order to a stream. */
    public boolean streamable() {
        return writer.streamable(options);
    }

    /**
     * True when the streamed output plans its layout from the source's extents before reading
     * data, so zero data the extents do not show would be written (see
     * {@link DiskFormatWriter#streamPlansFromExtents}).
     */
    public boolean streamPlansFromExtents() {
        return writer.streamPlansFromExtents(options);
    }

    /**
     * Writes the image to {@code destination}: to a temporary file beside it, renamed over it only
     * when complete; on any failure the temporary file is removed and {@code destination} is
     * untouched.
     */
    public ConversionResult toFile(VirtualDisk source, Path destination, WriteProgress progress) throws IOException {
        validate(source);
        long started = System.nanoTime();
        CountingDisk counting = new CountingDisk(source);
        long length;
        try (AtomicOutputFile out = AtomicOutputFile.create(destination, cache)) {
            writer.write(counting, out.channel(), options, progress);
            length = out.channel().size();
            out.commit(durable);
        }
        return new ConversionResult(writer.name(), source.size(), counting.bytesRead(), length,
                SparseFiles.allocatedBytes(destination), false, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Writes the image strictly in order to {@code out}, which is left open. */
    public ConversionResult toStream(VirtualDisk source, WritableByteChannel out, WriteProgress progress)
            throws IOException {
        validate(source);
        if (!streamable()) {
            throw new ImageFormatException(Check.FORMAT_UNSUPPORTED, writer.name() + " output"
                    + (options.compress() ? " with compression" : "") + " cannot be written as a stream"
                    + " (its tables precede data whose size is known only once written); write it to a file");
        }
        long started = System.nanoTime();
        CountingDisk counting = new CountingDisk(source);
        CountingChannel channel = new CountingChannel(out);
        writer.writeStream(counting, channel, options, progress);
        return new ConversionResult(writer.name(), source.size(), counting.bytesRead(), channel.written(), -1,
                true, Duration.ofNanos(System.nanoTime() - started));
    }
}
