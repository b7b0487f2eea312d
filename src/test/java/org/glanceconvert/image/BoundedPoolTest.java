package org.glanceconvert.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedPoolTest {

    static final class Codec implements AutoCloseable {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void reusesReleasedObjects() {
        List<Codec> made = new ArrayList<>();
        try (BoundedPool<Codec> pool = new BoundedPool<>(() -> {
            Codec c = new Codec();
            made.add(c);
            return c;
        }, 2)) {
            Codec a = pool.acquire();
            pool.release(a);
            assertSame(a, pool.acquire());
            assertEquals(1, made.size());
            Codec b = pool.acquire();
            assertNotSame(a, b);
            assertEquals(2, made.size());
        }
    }

    @Test
    void keepsAtMostMaxIdleAndClosesTheRest() {
        BoundedPool<Codec> pool = new BoundedPool<>(Codec::new, 2);
        Codec a = pool.acquire();
        Codec b = pool.acquire();
        Codec c = pool.acquire();
        pool.release(a);
        pool.release(b);
        pool.release(c);
        assertFalse(a.closed);
        assertFalse(b.closed);
        assertTrue(c.closed, "a third idle codec is closed, not kept");
    }

    @Test
    void closeEndsIdleObjectsAndThoseReleasedAfterwards() {
        BoundedPool<Codec> pool = new BoundedPool<>(Codec::new, 4);
        Codec idle = pool.acquire();
        Codec busy = pool.acquire();
        pool.release(idle);
        pool.close();
        assertTrue(idle.closed);
        assertFalse(busy.closed);
        pool.release(busy);
        assertTrue(busy.closed, "released after close: closed at once");
    }
}
