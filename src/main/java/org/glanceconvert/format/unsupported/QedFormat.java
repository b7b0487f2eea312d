package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;

/** QEMU Enhanced Disk: little-endian header with the image size at byte 48. */
public final class QedFormat implements DiskFormat {
    private static final byte[] MAGIC = {'Q', 'E', 'D', 0};
    private static final long FEATURE_BACKING_FILE = 1;

    @Override
    public String name() {
        return "qed";
    }

    @Override
    public boolean matches(ByteSource source) throws IOException {
        return Signatures.at(source, 0, MAGIC);
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        ByteBuffer h = Signatures.header(source, 64, ByteOrder.LITTLE_ENDIAN);
        boolean backing = (h.getLong(16) & FEATURE_BACKING_FILE) != 0;
        FormatReport report = Signatures.refused(name(), "QED image: recognised but never converted"
                + " (not a Glance disk format)" + (backing ? "; it also names a backing file" : ""));
        long size = h.getLong(48);
        if (source.size() >= 56 && size >= 0) {
            report.virtualSize(size);
        }
        return report;
    }
}
