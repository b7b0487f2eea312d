package org.glanceconvert.format.qcow2;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import org.glanceconvert.format.DiskFormatWriter;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.VirtualDisk;

/**
 * Writes qcow2 version 3: 64 KiB clusters unless {@code -o cluster_size} says otherwise,
 * 16-bit refcounts that are exact, no host cluster for ranges that read as zero, and with
 * {@code -c} clusters compressed by zlib (raw deflate) or zstd ({@code -o compression_type}).
 *
 * <p>To a file: {@link Qcow2FileWriter}, one pass, zero clusters detected and left unallocated,
 * compression in parallel. To a stream: {@link Qcow2StreamWriter}, uncompressed only — a
 * stream must carry the tables before the data, and compressed sizes are unknown until every
 * cluster is compressed (doing it twice would double the CPU cost; a caller that needs a
 * compressed upload spools to a file once).
 */
public final class Qcow2Writer implements DiskFormatWriter {

    @Override
    public String name() {
        return "qcow2";
    }

    @Override
    public void validate(VirtualDisk source, WriteOptions options) throws ImageFormatException {
        Qcow2WriteSettings.from(options).checkVirtualSize(source.size());
    }

    @Override
    public boolean streamable(WriteOptions options) {
        return !options.compress();
    }

    @Override
    public boolean streamPlansFromExtents(WriteOptions options) {
        return true;
    }

    @Override
    public void write(VirtualDisk source, FileChannel out, WriteOptions options, WriteProgress progress)
            throws IOException {
        Qcow2WriteSettings settings = Qcow2WriteSettings.from(options);
        settings.checkVirtualSize(source.size());
        new Qcow2FileWriter(settings, source, out, options.threads()).write(progress);
    }

    @Override
    public void writeStream(VirtualDisk source, WritableByteChannel out, WriteOptions options, WriteProgress progress)
            throws IOException {
        Qcow2WriteSettings settings = Qcow2WriteSettings.from(options);
        if (settings.compress()) {
            throw new ImageFormatException(Check.FORMAT_UNSUPPORTED,
                    "compressed qcow2 cannot be streamed: its tables come first and compressed sizes are known"
                    + " only after compression; write it to a file");
        }
        new Qcow2StreamWriter(settings, source, out, options.threads()).write(progress);
    }
}
