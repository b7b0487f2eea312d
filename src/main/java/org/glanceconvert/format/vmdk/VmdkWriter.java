package org.glanceconvert.format.vmdk;

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
 * VMDK output: {@code subformat=streamOptimized} (the default; always compressed, streamable,
 * what ESXi imports) or {@code monolithicSparse}; {@code adapter_type} sets the descriptor's
 * adapter (ide by default, as QEMU).
 */
public final class VmdkWriter implements DiskFormatWriter {

    @Override
    public String name() {
        return "vmdk";
    }

    @Override
    public void validate(VirtualDisk source, WriteOptions options) throws ImageFormatException {
        VmdkWriterOptions.from(options);
        if (source.size() > SparseVmdkLayout.MAX_VIRTUAL_SIZE) {
            throw new ImageFormatException(Check.FORMAT_OUTPUT_LIMIT, "a sparse VMDK holds at most 2 TiB; the disk"
                    + " is " + source.size() + " bytes");
        }
        if (source.size() == 0) {
            // qemu reads a sparse header of capacity 0 as a pointer to a separate descriptor file.
            throw new ImageFormatException(Check.FORMAT_UNSUPPORTED, "an empty disk cannot be written as a sparse VMDK");
        }
    }

    @Override
    public boolean streamable(WriteOptions options) {
        try {
            return VmdkWriterOptions.from(options).subformat() == VmdkWriterOptions.Subformat.STREAM_OPTIMIZED;
        } catch (ImageFormatException e) {
            return false;
        }
    }

    @Override
    public void write(VirtualDisk source, FileChannel out, WriteOptions options, WriteProgress progress)
            throws IOException {
        validate(source, options);
        VmdkWriterOptions vmdk = VmdkWriterOptions.from(options);
        if (vmdk.subformat() == VmdkWriterOptions.Subformat.STREAM_OPTIMIZED) {
            new StreamOptimizedVmdkWriter(source, vmdk, options.threads()).write(out, progress);
        } else {
            new MonolithicSparseVmdkWriter(source, vmdk).write(out, options.threads(), progress);
        }
    }

    @Override
    public void writeStream(VirtualDisk source, WritableByteChannel out, WriteOptions options,
                            WriteProgress progress) throws IOException {
        validate(source, options);
        VmdkWriterOptions vmdk = VmdkWriterOptions.from(options);
        if (vmdk.subformat() != VmdkWriterOptions.Subformat.STREAM_OPTIMIZED) {
            throw new ImageFormatException(Check.FORMAT_UNSUPPORTED,
                    "only subformat=streamOptimized can be written as a stream");
        }
        new StreamOptimizedVmdkWriter(source, vmdk, options.threads()).write(out, progress);
    }
}
