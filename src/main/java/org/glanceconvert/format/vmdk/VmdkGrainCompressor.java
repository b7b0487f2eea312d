package org.glanceconvert.format.vmdk;

import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Compresses one grain for a stream-optimized VMDK: a zlib stream (RFC 1950, deflate inside), as
 * qemu and VMware both write and read it. A pure function of the grain's bytes, so grains can be
 * compressed on any thread in any order.
 */
public final class VmdkGrainCompressor {
    private VmdkGrainCompressor() {
    }

    /** Compresses {@code grain} with a deflater of its own. */
    public static byte[] compress(byte[] grain) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            return compress(deflater, grain, grain.length);
        } finally {
            deflater.end();
        }
    }

    /** Compresses {@code grain[0, length)} with {@code deflater}, which is reset first. */
    public static byte[] compress(Deflater deflater, byte[] grain, int length) {
        deflater.reset();
        deflater.setInput(grain, 0, length);
        deflater.finish();
        // zlib's worst case for incompressible input is a little over the input size.
        byte[] out = new byte[length + (length >> 9) + 64];
        int n = 0;
        while (!deflater.finished()) {
            if (n == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            n += deflater.deflate(out, n, out.length - n);
        }
        return Arrays.copyOf(out, n);
    }
}
