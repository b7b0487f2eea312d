package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;

/**
 * Apple UDIF disk images (.dmg): identified by the 512-byte "koly" trailer at the end of the
 * file, which holds the sector count at byte 492 (big endian).
 */
public final class DmgFormat implements DiskFormat {
    private static final byte[] MAGIC = Signatures.ascii("koly");
    private static final int TRAILER = 512;
    private static final int SECTOR_COUNT_FIELD = 492;

    @Override
    public String name() {
        return "dmg";
    }

    @Override
    public boolean matches(ByteSource source) throws IOException {
        return source.size() >= TRAILER && Signatures.at(source, source.size() - TRAILER, MAGIC);
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        FormatReport report = Signatures.refused(name(), "Apple disk image (UDIF/DMG): detected, never converted");
        long trailer = source.size() - TRAILER;
        if (trailer >= 0) {
            long sectors = ByteBuffer.wrap(source.readBytes(trailer + SECTOR_COUNT_FIELD, 8))
                    .order(ByteOrder.BIG_ENDIAN).getLong();
            if (sectors >= 0 && sectors <= Long.MAX_VALUE / 512) {
                report.virtualSize(sectors * 512);
            }
        }
        return report;
    }
}
