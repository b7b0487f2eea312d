package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.image.ByteSource;

/**
 * Compressed loopback (cloop) images: a 128-byte shell-script preamble, then the block size and
 * block count as big-endian 32-bit numbers.
 */
public final class CloopFormat extends RefusedFormat {
    private static final byte[] MAGIC = Signatures.ascii("#!/bin/sh\n#V2.0 Format\n");
    private static final int PREAMBLE = 128;

    public CloopFormat() {
        super("cloop", PREAMBLE + 8, ByteOrder.BIG_ENDIAN, MAGIC);
    }

    @Override
    String reason(ByteBuffer header) {
        return "cloop compressed image: detected, never converted";
    }

    @Override
    long virtualSize(ByteSource source, ByteBuffer header) throws IOException {
        long blockSize = Integer.toUnsignedLong(header.getInt(PREAMBLE));
        long blocks = Integer.toUnsignedLong(header.getInt(PREAMBLE + 4));
        return stated(source, PREAMBLE + 8, blockSize * blocks); // both below 2^32: no overflow
    }
}
