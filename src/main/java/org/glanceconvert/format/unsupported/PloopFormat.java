package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;

/**
 * Parallels / OpenVZ ploop images, reported under Glance's name {@code ploop} (qemu-img says
 * {@code parallels}). Little-endian header with the sector count at byte 36.
 */
public final class PloopFormat implements DiskFormat {
    private static final byte[] MAGIC = Signatures.ascii("WithoutFreeSpace");
    /** The newer magic, whose BAT entries count in clusters rather than sectors. */
    private static final byte[] MAGIC_EXT = Signatures.ascii("WithouFreSpacExt");

    @Override
    public String name() {
        return "ploop";
    }

    @Override
    public boolean matches(ByteSource source) throws IOException {
        return Signatures.at(source, 0, MAGIC) || Signatures.at(source, 0, MAGIC_EXT);
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        ByteBuffer h = Signatures.header(source, 64, ByteOrder.LITTLE_ENDIAN);
        FormatReport report = Signatures.refused(name(), "Parallels/ploop image (version "
                + Integer.toUnsignedString(h.getInt(16)) + "): detected, never converted");
        long sectors = h.getLong(36);
        if (Signatures.at(source, 0, MAGIC)) {
            sectors &= 0xffffffffL; // the old format only defines the low 32 bits
        }
        if (source.size() >= 44 && sectors >= 0 && sectors <= Long.MAX_VALUE / 512) {
            report.virtualSize(sectors * 512);
        }
        return report;
    }
}
