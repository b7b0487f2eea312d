package org.glanceconvert.format.raw;

import java.io.IOException;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;

/** Plain bytes: the virtual disk is the file. */
public class RawFormat implements DiskFormat {

    @Override
    public String name() {
        return "raw";
    }

    /** Raw has no signature; it is chosen when nothing else matches. */
    @Override
    public boolean matches(ByteSource source) {
        return false;
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        FormatReport report = new FormatReport(name()).virtualSize(source.size());
        limits.checkVirtualSize(source.size());
        return report;
    }

    @Override
    public VirtualDisk open(ByteSource source, Limits limits) throws IOException {
        return new RawDisk(source);
    }
}
