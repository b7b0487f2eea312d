package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;

/** A LUKS1 or LUKS2 encrypted volume (both share the magic; the version follows it). */
public final class LuksFormat implements DiskFormat {
    private static final byte[] MAGIC = {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe};
    private static final int PAYLOAD_OFFSET_FIELD = 104;

    @Override
    public String name() {
        return "luks";
    }

    @Override
    public boolean matches(ByteSource source) throws IOException {
        return Signatures.at(source, 0, MAGIC);
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        ByteBuffer h = Signatures.header(source, 108, ByteOrder.BIG_ENDIAN);
        int version = Short.toUnsignedInt(h.getShort(6));
        FormatReport report = Signatures.refused(name(), "LUKS-encrypted image (LUKS version " + version
                + "): glance-convert never decrypts");
        if (version == 1 && source.size() >= 108) {
            // LUKS1: the encrypted payload starts at this sector and runs to the end of the file.
            long payload = Integer.toUnsignedLong(h.getInt(PAYLOAD_OFFSET_FIELD)) * 512;
            if (payload <= source.size()) {
                report.virtualSize(source.size() - payload);
            }
        }
        return report;
    }
}
