package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;

/**
 * Compressed loopback (cloop) images: a 128-byte shell-script preamble, then the block size and
 * block count as big-endian 32-bit numbers.
 */
public final class CloopFormat implements DiskFormat {
    private static final byte[] MAGIC = Signatures.ascii("#!/bin/sh\n#V2.0 Format\n");
    private static final int PREAMBLE = 128;

    @Override
    public String name() {
        return "cloop";
    }

    @Override
    public boolean matches(ByteSource source) throws IOException {
        return Signatures.at(source, 0, MAGIC);
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        FormatReport report = Signatures.refused(name(), "cloop compressed image: detected, never converted");
        if (source.size() >= PREAMBLE + 8) {
            ByteBuffer counts = ByteBuffer.wrap(source.readBytes(PREAMBLE, 8)).order(ByteOrder.BIG_ENDIAN);
            long blockSize = Integer.toUnsignedLong(counts.getInt(0));
            long blocks = Integer.toUnsignedLong(counts.getInt(4));
            report.virtualSize(blockSize * blocks); // both below 2^32: no overflow
        }
        return report;
    }
}
