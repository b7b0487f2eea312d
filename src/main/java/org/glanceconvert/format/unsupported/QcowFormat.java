package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.image.ByteSource;

/**
 * The original qcow (version 1): qcow2's magic followed by version 1. Big-endian header with
 * the backing file offset at byte 8 and the size at byte 24.
 */
public final class QcowFormat extends RefusedFormat {
    private static final byte[] MAGIC_V1 = {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 1};

    public QcowFormat() {
        super("qcow", 32, ByteOrder.BIG_ENDIAN, MAGIC_V1);
    }

    @Override
    String reason(ByteBuffer header) {
        boolean backing = header.getLong(8) != 0;
        return "qcow version 1 image: an obsolete format glance-convert does not convert"
                + (backing ? "; it also names a backing file" : "");
    }

    @Override
    long virtualSize(ByteSource source, ByteBuffer header) throws IOException {
        return stated(source, 32, header.getLong(24));
    }
}
