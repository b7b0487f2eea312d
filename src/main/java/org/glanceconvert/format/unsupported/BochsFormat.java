package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;

/**
 * Bochs redolog disk images. The magic is a NUL-terminated string in a 32-byte field (qemu
 * compares it as a C string); the little-endian disk size sits at byte 84 in version 1 headers
 * and at 88 in version 2 ones.
 */
public final class BochsFormat implements DiskFormat {
    private static final byte[] MAGIC = Signatures.ascii("Bochs Virtual HD Image\0");
    private static final int VERSION_1 = 0x00010000;

    @Override
    public String name() {
        return "bochs";
    }

    @Override
    public boolean matches(ByteSource source) throws IOException {
        return Signatures.at(source, 0, MAGIC);
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        ByteBuffer h = Signatures.header(source, 96, ByteOrder.LITTLE_ENDIAN);
        FormatReport report = Signatures.refused(name(), "Bochs disk image: detected, never converted");
        int sizeField = h.getInt(64) == VERSION_1 ? 84 : 88;
        long size = h.getLong(sizeField);
        if (source.size() >= sizeField + 8 && size >= 0) {
            report.virtualSize(size);
        }
        return report;
    }
}
