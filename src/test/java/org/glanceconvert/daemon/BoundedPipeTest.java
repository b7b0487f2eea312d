package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BoundedPipeTest {

    @Test
    void everyByteArrivesInOrder() throws Exception {
        BoundedPipe pipe = new BoundedPipe(3, 4096);
        long total = 10_000_000;
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            SplittableRandom r = new SplittableRandom(1);
            try {
                long done = 0;
                while (done < total) {
                    byte[] b = new byte[(int) Math.min(total - done, 1 + r.nextInt(20_000))];
                    r.nextBytes(b);
                    sent.update(b);
                    pipe.sink().write(ByteBuffer.wrap(b));
                    done += b.length;
                }
                pipe.sink().close();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        long n = 0;
        try (InputStream in = pipe.source()) {
            byte[] buf = new byte[7000];
            int k;
            while ((k = in.read(buf)) >= 0) {
                got.update(buf, 0, k);
                n += k;
            }
        }
        writer.get();
        assertEquals(total, n);
        assertArrayEquals(sent.digest(), got.digest());
    }

    @Test
    void aWriterThatFailsNeverLooksLikeACompleteStream() throws Exception {
        BoundedPipe pipe = new BoundedPipe(2, 1024);
        CompletableFuture.runAsync(() -> {
            try {
                pipe.sink().write(ByteBuffer.wrap(new byte[3000]));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            pipe.fail(new IOException("corrupt L2 table"));
        });
        InputStream in = pipe.source();
        IOException e = assertThrows(IOException.class, () -> in.readAllBytes());
        assertInstanceOf(BoundedPipe.WriterFailedException.class, e);
        assertEquals("corrupt L2 table", e.getCause().getMessage());
        assertFalse(e.getMessage().contains("closed"), "not mistaken for a transient network failure");
    }

    @Test
    void theWriterBlocksWhenTheReaderLagsAndFailsWhenItLeaves() throws Exception {
        BoundedPipe pipe = new BoundedPipe(2, 1024);
        AtomicLong written = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 1000; i++) {
                    pipe.sink().write(ByteBuffer.wrap(new byte[512]));
                    written.addAndGet(512);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300);
        // Two queued chunks plus the one being filled: bounded, whatever the writer wants to write.
        assertTrue(written.get() <= 3 * 1024, "written " + written.get());
        assertFalse(writer.isDone());
        pipe.source().close();
        Exception e = assertThrows(Exception.class, () -> writer.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("reader"), e.toString());
    }
}
