package org.glanceconvert.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class OrderedParallelEncoderTest {

    @Test
    void deliversInSubmissionOrderDespiteRandomDelays() throws IOException {
        List<Integer> delivered = new ArrayList<>();
        try (OrderedParallelEncoder<Integer, String> pool = new OrderedParallelEncoder<>("test", 4, 8,
                () -> i -> {
                    sleepMicros(ThreadLocalRandom.current().nextInt(2000));
                    return "v" + i;
                },
                (input, result) -> {
                    assertEquals("v" + input, result);
                    delivered.add(input);
                })) {
            for (int i = 0; i < 300; i++) {
                pool.submit(i);
            }
            pool.finish();
        }
        for (int i = 0; i < 300; i++) {
            assertEquals(i, delivered.get(i));
        }
    }

    @Test
    void boundsWorkInFlightAndRunsInParallel() throws IOException {
        int threads = 3;
        int maxInFlight = 5;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        int[] submitted = {0};
        int[] deliveredCount = {0};
        int[] maxOutstanding = {0};
        try (OrderedParallelEncoder<Integer, Integer> pool = new OrderedParallelEncoder<>("test", threads, maxInFlight,
                () -> i -> {
                    int now = running.incrementAndGet();
                    maxRunning.accumulateAndGet(now, Math::max);
                    sleepMicros(1000 + ThreadLocalRandom.current().nextInt(1000));
                    running.decrementAndGet();
                    return i;
                },
                (input, result) -> deliveredCount[0]++)) {
            for (int i = 0; i < 60; i++) {
                pool.submit(i);
                submitted[0]++;
                maxOutstanding[0] = Math.max(maxOutstanding[0], submitted[0] - deliveredCount[0]);
                assertTrue(pool.inFlight() <= maxInFlight);
            }
            pool.finish();
        }
        assertEquals(60, deliveredCount[0]);
        assertTrue(maxOutstanding[0] <= maxInFlight, "outstanding " + maxOutstanding[0]);
        assertTrue(maxRunning.get() <= threads, "running " + maxRunning.get());
        assertTrue(maxRunning.get() > 1, "work ran in parallel");
    }

    @Test
    void doneInputsKeepTheirPlace() throws IOException {
        List<String> order = new ArrayList<>();
        try (OrderedParallelEncoder<String, String> pool = new OrderedParallelEncoder<>("test", 2, 4,
                () -> s -> {
                    sleepMicros(3000);
                    return s.toUpperCase();
                }, (in, out) -> order.add(out))) {
            pool.submit("a");
            pool.submitDone("hole", "HOLE");
            pool.submit("b");
            pool.finish();
        }
        assertEquals(List.of("A", "HOLE", "B"), order);
    }

    @Test
    void anEncoderFailureSurfacesAtItsTurnAndStopsTheRest() {
        List<Integer> delivered = new ArrayList<>();
        IOException e = assertThrows(IOException.class, () -> {
            try (OrderedParallelEncoder<Integer, Integer> pool = new OrderedParallelEncoder<>("test", 2, 4,
                    () -> i -> {
                        if (i == 7) {
                            throw new IOException("bad chunk 7");
                        }
                        return i;
                    }, (in, out) -> delivered.add(out))) {
                for (int i = 0; i < 100; i++) {
                    pool.submit(i);
                }
                pool.finish();
            }
        });
        assertEquals("bad chunk 7", e.getMessage());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), delivered);
    }

    /** The use it is made for: per-thread deflaters, byte chunks in, compressed bytes out, in order. */
    @Test
    void compressesChunksWithOneDeflaterPerWorker() throws Exception {
        Random random = new Random(1);
        List<byte[]> inputs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] b = ("chunk " + i + " ").repeat(200 + random.nextInt(2000)).getBytes(StandardCharsets.US_ASCII);
            inputs.add(b);
        }
        List<byte[]> outputs = new ArrayList<>();
        AtomicInteger closed = new AtomicInteger();
        class Compressor implements OrderedParallelEncoder.Encoder<byte[], byte[]>, AutoCloseable {
            final Deflater deflater = new Deflater(6, true);

            @Override
            public byte[] encode(byte[] input) {
                deflater.reset();
                deflater.setInput(input);
                deflater.finish();
                byte[] out = new byte[input.length + 64];
                int n = deflater.deflate(out);
                return java.util.Arrays.copyOf(out, n);
            }

            @Override
            public void close() {
                deflater.end();
                closed.incrementAndGet();
            }
        }
        try (OrderedParallelEncoder<byte[], byte[]> pool = new OrderedParallelEncoder<>("deflate", 2, 4,
                Compressor::new, (in, out) -> outputs.add(out))) {
            for (byte[] b : inputs) {
                pool.submit(b);
            }
            pool.finish();
        }
        assertEquals(2, closed.get(), "each worker's encoder is closed with the pool");
        for (int i = 0; i < inputs.size(); i++) {
            Inflater inflater = new Inflater(true);
            inflater.setInput(outputs.get(i));
            byte[] back = new byte[inputs.get(i).length];
            assertEquals(back.length, inflater.inflate(back));
            inflater.end();
            assertEquals(new String(inputs.get(i), StandardCharsets.US_ASCII), new String(back, StandardCharsets.US_ASCII));
        }
    }

    private static void sleepMicros(int micros) {
        try {
            Thread.sleep(micros / 1000, (micros % 1000) * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
