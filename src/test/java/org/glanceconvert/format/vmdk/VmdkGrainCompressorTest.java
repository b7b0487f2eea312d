package org.glanceconvert.format.vmdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.glanceconvert.codec.NativeCodecs;
import org.junit.jupiter.api.Test;

class VmdkGrainCompressorTest {

    @Test
    void grainsAreZlibStreamsThatInflateBack() throws DataFormatException {
        byte[] random = new byte[65536];
        new Random(5).nextBytes(random);
        byte[] text = new byte[65536];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ("glance-convert ".charAt(i % 15));
        }
        try (VmdkGrainCompressor compressor = new VmdkGrainCompressor()) {
            for (byte[] grain : new byte[][] {random, text}) {
                byte[] compressed = compress(compressor, grain);
                assertEquals(0x78, compressed[0] & 0xff, "zlib header (RFC 1950), as qemu's uncompress() expects");
                Inflater inflater = new Inflater();
                inflater.setInput(compressed);
                byte[] back = new byte[65536];
                assertEquals(65536, inflater.inflate(back));
                assertTrue(inflater.finished());
                inflater.end();
                assertArrayEquals(grain, back);
            }
            assertTrue(compress(compressor, text).length < 1000);
        }
    }

    @Test
    void grainsAreCompressedByLibdeflate() {
        try (VmdkGrainCompressor compressor = new VmdkGrainCompressor()) {
            assertEquals("libdeflate", compressor.implementation(), NativeCodecs.describe());
        }
    }

    private static byte[] compress(VmdkGrainCompressor compressor, byte[] grain) {
        ByteBuffer out = ByteBuffer.allocateDirect(VmdkGrainCompressor.maxCompressedLength(grain.length) + 5);
        out.position(5);
        ByteBuffer in = ByteBuffer.allocateDirect(grain.length).put(grain).flip();
        int n = compressor.compress(in, out);
        assertEquals(5 + n, out.position(), "the position moves past the compressed bytes");
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return Arrays.copyOfRange(bytes, 5, bytes.length);
    }
}
