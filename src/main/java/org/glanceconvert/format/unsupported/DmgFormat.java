package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.image.ByteSource;

/**
 * Apple UDIF disk images (.dmg): identified by the 512-byte "koly" trailer at the end of the
 * file, which holds the sector count at byte 492 (big endian).
 */
public final class DmgFormat extends RefusedFormat {
    private static final byte[] MAGIC = Signatures.ascii("koly");
    private static final int TRAILER = 512;
    private static final int SECTOR_COUNT_FIELD = 492;

    public DmgFormat() {
        super("dmg", 0, ByteOrder.BIG_ENDIAN);
    }

    /** The trailer's magic, {@value #TRAILER} bytes before the end. */
    @Override
    public boolean matches(ByteSource source) throws IOException {
        return source.size() >= TRAILER && Signatures.at(source, source.size() - TRAILER, MAGIC);
    }

    @Override
    String reason(ByteBuffer header) {
        return "Apple disk image (UDIF/DMG): detected, never converted";
    }

    @Override
    long virtualSize(ByteSource source, ByteBuffer header) throws IOException {
        long trailer = source.size() - TRAILER;
        if (trailer < 0) {
            return -1;
        }
        return sectors(ByteBuffer.wrap(source.readBytes(trailer + SECTOR_COUNT_FIELD, 8))
                .order(ByteOrder.BIG_ENDIAN).getLong());
    }
}
