package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;

/**
 * The original qcow (version 1): qcow2's magic followed by version 1. Big-endian header with
 * the backing file offset at byte 8 and the size at byte 24.
 */
public final class QcowFormat implements DiskFormat {
    private static final byte[] MAGIC_V1 = {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 1};

    @Override
    public String name() {
        return "qcow";
    }

    @Override
    public boolean matches(ByteSource source) throws IOException {
        return Signatures.at(source, 0, MAGIC_V1);
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        ByteBuffer h = Signatures.header(source, 32, ByteOrder.BIG_ENDIAN);
        boolean backing = h.getLong(8) != 0;
        FormatReport report = Signatures.refused(name(), "qcow version 1 image: an obsolete format"
                + " glance-convert does not convert" + (backing ? "; it also names a backing file" : ""));
        long size = h.getLong(24);
        if (source.size() >= 32 && size >= 0) {
            report.virtualSize(size);
        }
        return report;
    }
}
