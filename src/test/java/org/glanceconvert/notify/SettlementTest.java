package org.glanceconvert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A delivery is acknowledged once: at the claim, or at the end of processing, whichever is first. */
class SettlementTest {

    @Test
    void acknowledgesExactlyOnceWhoeverCallsFirst() throws Exception {
        AtomicInteger acks = new AtomicInteger();
        Settlement s = new Settlement(acks::incrementAndGet);
        assertFalse(s.settled());
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[8];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                s.run();
            });
            threads[i].start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        s.run();
        assertEquals(1, acks.get());
        assertTrue(s.settled());
    }
}
