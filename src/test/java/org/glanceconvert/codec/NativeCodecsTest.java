package org.glanceconvert.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.airlift.compress.zstd.ZstdDecompressor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The encoders' contract, for the native ones (which must load here) and the pure-Java fallbacks. */
class NativeCodecsTest {
    private static final int BLOCK = 65536;

    @Test
    void nativeLibrariesLoadWhereTheBuildDependenciesAreInstalled() {
        // bin/install-build-deps installs libdeflate0; libzstd1 comes with dpkg. If this fails,
        // every "native path" test below would silently test the fallback.
        assertTrue(NativeCodecs.nativeDeflate(), NativeCodecs.describe());
        assertTrue(NativeCodecs.nativeZstd(), NativeCodecs.describe());
        try (DeflateEncoder d = DeflateEncoder.open(DeflateEncoder.Framing.RAW, 6); ZstdEncoder z = ZstdEncoder.open(3)) {
            assertEquals("libdeflate", d.implementation());
            assertEquals("libzstd", z.implementation());
        }
    }

    @Test
    void thePropertyForcesThePureJavaCodecs() {
        withPureJava(() -> {
            try (DeflateEncoder d = DeflateEncoder.open(DeflateEncoder.Framing.ZLIB, 6); ZstdEncoder z = ZstdEncoder.open(3)) {
                assertEquals("java.util.zip", d.implementation());
                assertEquals("aircompressor", z.implementation());
            }
            assertTrue(NativeCodecs.describe().contains(NativeCodecs.PROPERTY + "=false"), NativeCodecs.describe());
        });
    }

    @Test
    void aLibraryThatCannotBeLoadedIsReportedWithTheReason() {
        String missing = "libdeflate.so.999";
        String why = NativeCodecs.load(missing,
                () -> com.sun.jna.Native.register(Libdeflate.class, com.sun.jna.NativeLibrary.getInstance(missing)));
        assertTrue(why != null && why.contains(missing) && why.contains("apt-get install libdeflate0"), why);
        assertEquals(null, NativeCodecs.load(Libzstd.LIBRARY, () -> com.sun.jna.NativeLibrary.getInstance(Libzstd.LIBRARY)));
    }

    static Stream<Arguments> encoders() {
        return Stream.of(
                Arguments.of("libdeflate raw", (Supplier<Encoder>) () -> deflate(DeflateEncoder.Framing.RAW), Decoded.RAW),
                Arguments.of("libdeflate zlib", (Supplier<Encoder>) () -> deflate(DeflateEncoder.Framing.ZLIB), Decoded.ZLIB),
                Arguments.of("libzstd", (Supplier<Encoder>) NativeCodecsTest::zstd, Decoded.ZSTD),
                Arguments.of("java.util.zip raw", (Supplier<Encoder>) () -> pureJava(() -> deflate(DeflateEncoder.Framing.RAW)), Decoded.RAW),
                Arguments.of("java.util.zip zlib", (Supplier<Encoder>) () -> pureJava(() -> deflate(DeflateEncoder.Framing.ZLIB)), Decoded.ZLIB),
                Arguments.of("aircompressor", (Supplier<Encoder>) () -> pureJava(NativeCodecsTest::zstd), Decoded.ZSTD));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encoders")
    void compressibleBlocksDecodeBackFromDirectAndHeapBuffersAtAnyPosition(String name, Supplier<Encoder> open, Decoded format)
            throws DataFormatException {
        byte[] text = text();
        try (Encoder encoder = open.get()) {
            for (boolean direct : new boolean[] {true, false}) {
                for (int repeat = 0; repeat < 3; repeat++) { // the context is reused
                    ByteBuffer src = buffer(direct, BLOCK + 9).position(9);
                    src.put(text).position(9);
                    ByteBuffer dst = buffer(direct, BLOCK).position(7);
                    int n = encoder.compress(src, dst);
                    assertEquals(9, src.position(), "the source does not move");
                    assertEquals(7 + n, dst.position(), "the destination moves past the compressed bytes");
                    assertTrue(n > 0 && n < BLOCK / 10, name + " compressed text to " + n);
                    byte[] compressed = new byte[n];
                    dst.get(7, compressed);
                    assertArrayEquals(text, format.decode(compressed), name);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encoders")
    void aBlockThatDoesNotFitIsReportedWithoutMovingTheDestination(String name, Supplier<Encoder> open, Decoded format) {
        byte[] random = new byte[BLOCK];
        new Random(9).nextBytes(random);
        try (Encoder encoder = open.get()) {
            for (boolean direct : new boolean[] {true, false}) {
                ByteBuffer src = buffer(direct, BLOCK).put(random).flip();
                // qcow2's rule: compressed only when it fits in cluster_size - 1 bytes.
                ByteBuffer dst = buffer(direct, BLOCK + 100).position(100).limit(100 + BLOCK - 1);
                assertEquals(-1, encoder.compress(src, dst), name);
                assertEquals(100, dst.position());
                // With room (a vmdk grain's bound) the same block is encoded, slightly larger.
                ByteBuffer room = buffer(direct, BLOCK + 1024);
                int n = encoder.compress(src, room);
                assertTrue(n >= BLOCK, name + ": " + n);
            }
        }
    }

    @Test
    void aClosedNativeEncoderRefusesWork() {
        DeflateEncoder d = DeflateEncoder.open(DeflateEncoder.Framing.RAW, 6);
        ZstdEncoder z = ZstdEncoder.open(3);
        d.close();
        z.close();
        d.close(); // twice is harmless
        z.close();
        ByteBuffer src = ByteBuffer.allocateDirect(10);
        ByteBuffer dst = ByteBuffer.allocateDirect(100);
        assertThrows(IllegalStateException.class, () -> d.compress(src, dst));
        assertThrows(IllegalStateException.class, () -> z.compress(src, dst));
    }

    // --- helpers

    /** Either encoder behind one face, for the parameterized tests. */
    interface Encoder extends AutoCloseable {
        int compress(ByteBuffer src, ByteBuffer dst);

        @Override
        void close();
    }

    enum Decoded {
        RAW, ZLIB, ZSTD;

        byte[] decode(byte[] compressed) throws DataFormatException {
            byte[] out = new byte[BLOCK];
            if (this == ZSTD) {
                assertEquals(BLOCK, new ZstdDecompressor().decompress(compressed, 0, compressed.length, out, 0, BLOCK));
                return out;
            }
            if (this == ZLIB) {
                assertEquals(0x78, compressed[0] & 0xff, "a zlib header");
            }
            Inflater inflater = new Inflater(this == RAW);
            try {
                inflater.setInput(compressed);
                assertEquals(BLOCK, inflater.inflate(out));
                assertTrue(inflater.finished());
                return out;
            } finally {
                inflater.end();
            }
        }
    }

    private static Encoder deflate(DeflateEncoder.Framing framing) {
        DeflateEncoder d = DeflateEncoder.open(framing, 6);
        return new Encoder() {
            public int compress(ByteBuffer src, ByteBuffer dst) {
                return d.compress(src, dst);
            }

            public void close() {
                d.close();
            }
        };
    }

    private static Encoder zstd() {
        ZstdEncoder z = ZstdEncoder.open(3);
        return new Encoder() {
            public int compress(ByteBuffer src, ByteBuffer dst) {
                return z.compress(src, dst);
            }

            public void close() {
                z.close();
            }
        };
    }

    static <T> T pureJava(Supplier<T> open) {
        String before = System.getProperty(NativeCodecs.PROPERTY);
        System.setProperty(NativeCodecs.PROPERTY, "false");
        try {
            return open.get();
        } finally {
            if (before == null) {
                System.clearProperty(NativeCodecs.PROPERTY);
            } else {
                System.setProperty(NativeCodecs.PROPERTY, before);
            }
        }
    }

    private static void withPureJava(Runnable r) {
        pureJava(() -> {
            r.run();
            return null;
        });
    }

    private static ByteBuffer buffer(boolean direct, int size) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    private static byte[] text() {
        StringBuilder s = new StringBuilder();
        for (int line = 0; s.length() < BLOCK; line++) {
            s.append("line ").append(line).append(": glance-convert compresses this\n");
        }
        return s.substring(0, BLOCK).getBytes(StandardCharsets.US_ASCII);
    }
}
