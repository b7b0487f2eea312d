package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.image.ByteSource;

/** A LUKS1 or LUKS2 encrypted volume (both share the magic; the version follows it). */
public final class LuksFormat extends RefusedFormat {
    private static final byte[] MAGIC = {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe};
    private static final int PAYLOAD_OFFSET_FIELD = 104;

    public LuksFormat() {
        super("luks", PAYLOAD_OFFSET_FIELD + 4, ByteOrder.BIG_ENDIAN, MAGIC);
    }

    private static int version(ByteBuffer header) {
        return Short.toUnsignedInt(header.getShort(6));
    }

    @Override
    String reason(ByteBuffer header) {
        return "LUKS-encrypted image (LUKS version " + version(header) + "): glance-convert never decrypts";
    }

    @Override
    long virtualSize(ByteSource source, ByteBuffer header) throws IOException {
        if (version(header) != 1 || source.size() < PAYLOAD_OFFSET_FIELD + 4) {
            return -1;
        }
        // LUKS1: the encrypted payload starts at this sector and runs to the end of the file.
        long payload = Integer.toUnsignedLong(header.getInt(PAYLOAD_OFFSET_FIELD)) * 512;
        return payload <= source.size() ? source.size() - payload : -1;
    }
}
