package org.glanceconvert.format.vhdx;

import java.io.EOFException;
import java.io.IOException;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;

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
        try {
            VhdxLayout layout = VhdxLayout.read(source, limits, report);
            report.subformat(layout.subformat()).virtualSize(layout.virtualSize())
                    .clusterSize(layout.metadata().blockSize());
            layout.bat().validateAll();
        } catch (ImageFormatException e) {
            report.problem(Finding.of(e));
        } catch (EOFException e) {
            report.problem(Check.FORMAT_TRUNCATED, "the file ends inside its VHDX structures: " + e.getMessage());
        }
        return report;
    }

    @Override
    public VirtualDisk open(ByteSource source, Limits limits) throws IOException {
        return VhdxDisk.open(source, limits);
    }
}
