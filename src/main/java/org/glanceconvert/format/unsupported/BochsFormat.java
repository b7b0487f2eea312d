package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.image.ByteSource;

/**
 * Bochs redolog disk images. The magic is a NUL-terminated string in a 32-byte field (qemu
 * compares it as a C string); the little-endian disk size sits at byte 84 in version 1 headers
 * and at 88 in version 2 ones.
 */
public final class BochsFormat extends RefusedFormat {
    private static final byte[] MAGIC = Signatures.ascii("Bochs Virtual HD Image\0");
    private static final int VERSION_1 = 0x00010000;

    public BochsFormat() {
        super("bochs", 96, ByteOrder.LITTLE_ENDIAN, MAGIC);
    }

    @Override
    String reason(ByteBuffer header) {
        return "Bochs disk image: detected, never converted";
    }

    @Override
    long virtualSize(ByteSource source, ByteBuffer header) throws IOException {
        int sizeField = header.getInt(64) == VERSION_1 ? 84 : 88;
        return stated(source, sizeField + 8, header.getLong(sizeField));
    }
}
