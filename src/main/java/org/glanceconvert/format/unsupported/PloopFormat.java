package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.image.ByteSource;

/**
 * Parallels / OpenVZ ploop images, reported under Glance's name {@code ploop} (QEMU says
 * {@code parallels}). Little-endian header with the sector count at byte 36.
 */
public final class PloopFormat extends RefusedFormat {
    private static final byte[] MAGIC = Signatures.ascii("WithoutFreeSpace");
    /** The newer magic, whose BAT entries count in clusters rather than sectors. */
    private static final byte[] MAGIC_EXT = Signatures.ascii("WithouFreSpacExt");

    public PloopFormat() {
        super("ploop", 64, ByteOrder.LITTLE_ENDIAN, MAGIC, MAGIC_EXT);
    }

    @Override
    String reason(ByteBuffer header) {
        return "Parallels/ploop image (version " + Integer.toUnsignedString(header.getInt(16))
                + "): detected, never converted";
    }

    @Override
    long virtualSize(ByteSource source, ByteBuffer header) throws IOException {
        long sectors = header.getLong(36);
        if (Signatures.at(source, 0, MAGIC)) {
            sectors &= 0xffffffffL; // the old format only defines the low 32 bits
        }
        return source.size() >= 44 ? sectors(sectors) : -1;
    }
}
