package org.glanceconvert.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.SafeOpener;

/** An image file opened for reading after inspection found it safe; closes both on close. */
final class ImageFile implements AutoCloseable {
    private final FileByteSource source;
    private final SafeOpener.Opened opened;

    private ImageFile(FileByteSource source, SafeOpener.Opened opened) {
        this.source = source;
        this.opened = opened;
    }

    static ImageFile open(Path path, String assertedFormat, Limits limits) throws IOException {
        FileByteSource source = FileByteSource.open(path);
        try {
            return new ImageFile(source, new SafeOpener(limits).open(source, path.toString(), assertedFormat));
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    VirtualDisk disk() {
        return opened.disk();
    }

    InspectionReport report() {
        return opened.report();
    }

    @Override
    public void close() throws IOException {
        try {
            opened.close();
        } finally {
            source.close();
        }
    }
}
