package org.glanceconvert.format.vhdx;

import java.io.IOException;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;

/** Microsoft VHDX: dynamic and fixed files are read; differencing files and logs to replay are refused. */
public final class VhdxFormat implements DiskFormat {

    @Override
    public String name() {
        return "vhdx";
    }

    /** The file type identifier "vhdxfile" at offset 0. */
    @Override
    public boolean matches(ByteSource source) throws IOException {
        return VhdxLayout.hasSignature(source);
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        FormatReport report = new FormatReport(name());
        return report.recording("its VHDX structures", () -> {
            VhdxLayout layout = VhdxLayout.read(source, limits, report);
            report.subformat(layout.subformat()).virtualSize(layout.virtualSize())
                    .clusterSize(layout.metadata().blockSize());
            layout.bat().validateAll();
        });
    }

    @Override
    public VirtualDisk open(ByteSource source, Limits limits) throws IOException {
        return VhdxDisk.open(source, limits);
    }
}
