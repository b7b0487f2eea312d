package org.glanceconvert.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.raw.RawDisk;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.ForwardingDisk;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;

/**
 * An image file opened as a virtual disk by a test. Readers leave the source to whoever opened
 * it; this one opened it, so closing the disk closes the file too.
 */
public final class FileDisk extends ForwardingDisk {
    private final FileByteSource source;

    private FileDisk(FileByteSource source, VirtualDisk disk) {
        super(disk);
        this.source = source;
    }

    /** The file as a raw disk. */
    public static FileDisk raw(Path file) throws IOException {
        FileByteSource source = FileByteSource.open(file);
        return new FileDisk(source, new RawDisk(source));
    }

    /** The file opened by {@code format}'s reader, with the default limits. */
    public static FileDisk open(Path file, DiskFormat format) throws IOException {
        FileByteSource source = FileByteSource.open(file);
        try {
            return new FileDisk(source, format.open(source, Limits.DEFAULT));
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            disk.close();
        } finally {
            source.close();
        }
    }
}
