package org.glanceconvert.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ZerosTest {

    @Test
    void findsTheOneNonZeroByteAnywhereInHeapAndDirectBuffers() {
        for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocate(300_000), ByteBuffer.allocateDirect(300_000)}) {
            assertTrue(Zeros.isZero(b, 0, b.capacity()));
            for (int at : new int[] {0, 1, 7, 8, 65535, 65536, 131071, 299_999}) {
                b.put(at, (byte) 0x80);
                assertFalse(Zeros.isZero(b, 0, b.capacity()), "byte at " + at);
                assertFalse(Zeros.isZero(b, at, 1));
                assertTrue(Zeros.isZero(b, at + 1, b.capacity() - at - 1));
                if (at > 0) {
                    assertTrue(Zeros.isZero(b, 0, at));
                }
                b.put(at, (byte) 0);
            }
            assertTrue(Zeros.isZero(b, 5, 0));
        }
    }

    @Test
    void fillsHeapAndDirectBuffersFromTheirPosition() {
        for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocate(200_000), ByteBuffer.allocateDirect(200_000)}) {
            while (b.hasRemaining()) {
                b.put((byte) 1);
            }
            b.position(3);
            Zeros.fill(b, 150_000);
            assertEquals(150_003, b.position());
            assertTrue(Zeros.isZero(b.duplicate().position(3).limit(150_003)));
            assertEquals(1, b.get(2));
            assertEquals(1, b.get(150_003));
            Zeros.fill(b);
            assertFalse(b.hasRemaining());
            assertTrue(Zeros.isZero(b.flip().position(3)));
        }
    }
}
