package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.image.ByteSource;

/** QEMU Enhanced Disk: little-endian header with the image size at byte 48. */
public final class QedFormat extends RefusedFormat {
    private static final byte[] MAGIC = {'Q', 'E', 'D', 0};
    private static final long FEATURE_BACKING_FILE = 1;

    public QedFormat() {
        super("qed", 64, ByteOrder.LITTLE_ENDIAN, MAGIC);
    }

    @Override
    String reason(ByteBuffer header) {
        boolean backing = (header.getLong(16) & FEATURE_BACKING_FILE) != 0;
        return "QED image: recognised but never converted (not a Glance disk format)"
                + (backing ? "; it also names a backing file" : "");
    }

    @Override
    long virtualSize(ByteSource source, ByteBuffer header) throws IOException {
        return stated(source, 56, header.getLong(48));
    }
}
