package org.glanceconvert.format.vhd;

import java.io.IOException;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;

/**
 * Microsoft VHD ("vpc" to qemu): fixed disks (raw data and a footer at the end), dynamic disks
 * (footer copy, dynamic header, BAT, blocks) and differencing disks, which are refused.
 */
public final class VhdFormat implements DiskFormat {

    @Override
    public String name() {
        return "vhd";
    }

    /**
     * The footer cookie at offset 0 (dynamic and differencing disks keep a footer copy there), or
     * at the end (fixed disks; also the 511-byte footer some tools write).
     */
    @Override
    public boolean matches(ByteSource source) throws IOException {
        return VhdLayout.hasSignature(source);
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        FormatReport report = new FormatReport(name());
        return report.recording("its VHD structures", () -> {
            VhdLayout layout = VhdLayout.read(source, limits, report);
            report.subformat(layout.diskType().subformat()).virtualSize(layout.virtualSize());
            if (!layout.fixed()) {
                report.clusterSize(layout.header().blockSize());
                layout.bat().validateAll();
            }
        });
    }

    @Override
    public VirtualDisk open(ByteSource source, Limits limits) throws IOException {
        return VhdDisk.open(source, limits);
    }
}
