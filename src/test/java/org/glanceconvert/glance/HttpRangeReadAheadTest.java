package org.glanceconvert.glance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glanceconvert.config.CloudEntry;
import org.glanceconvert.config.PasswordAuth;
import org.glanceconvert.config.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Range reads of a Glance image against a WireMock Glance that serves real byte ranges and counts them. */
class HttpRangeReadAheadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "0b9f3c2e-4a7d-4e1b-8c55-2f6a9d3e7b10";
    private static final int MIB = 1 << 20;
    private static final int SIZE = 32 * MIB;
    private static final byte[] DATA = new byte[SIZE];

    static {
        new Random(5).nextBytes(DATA);
    }

    private static final RangeServer RANGES = new RangeServer();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().extensions(RANGES)).build();

    @TempDir
    Path dir;

    private GlanceClient client;

    @BeforeEach
    void glance() {
        WireMockKeystone.stubToken(wm);
        wm.stubFor(get(urlEqualTo("/v2/images/" + ID + "/file")).willReturn(aResponse().withTransformers(RangeServer.NAME)));
        RANGES.reset();
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void sequentialMegabyteReadsFetchEightMegabyteWindows() throws Exception {
        HttpRangeByteSource src = open(ClientOptions.defaults());
        ByteBuffer b = ByteBuffer.allocate(MIB);
        for (long p = 0; p < SIZE; p += MIB) {
            b.clear();
            src.readFully(p, b);
            assertArrayEquals(Arrays.copyOfRange(DATA, (int) p, (int) p + MIB), b.array(), "bytes at " + p);
        }
        // The probe, the first read (nothing before it to follow), the rest of window 0, windows 1-3.
        assertEquals(List.of(range(0, 65536), range(0, MIB), range(MIB, 8 * MIB), range(8 * MIB, 16 * MIB),
                range(16 * MIB, 24 * MIB), range(24 * MIB, 32 * MIB)), RANGES.requested());
        assertEquals(6, src.requests());
        assertTrue(src.peakReadAheadWindows() <= 2, "windows held: " + src.peakReadAheadWindows());
    }

    @Test
    void withoutWindowsEveryLargeReadIsOneRequest() throws Exception {
        HttpRangeByteSource src = open(ClientOptions.defaults().withRangeWindows(8 * MIB, 0));
        ByteBuffer b = ByteBuffer.allocate(MIB);
        for (long p = 0; p < 8 * MIB; p += MIB) {
            b.clear();
            src.readFully(p, b);
        }
        assertEquals(9, RANGES.requested().size(), RANGES.requested().toString());
    }

    @Test
    void twoWorkersReadingConsecutiveChunksShareWindowsAndNeverFetchTwice() throws Exception {
        RANGES.delayMillis = 20;
        HttpRangeByteSource src = open(ClientOptions.defaults());
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                workers.add(pool.submit(() -> {
                    int chunks = 0;
                    ByteBuffer b = ByteBuffer.allocate(MIB);
                    for (long p; (p = next.getAndAdd(MIB)) < SIZE; chunks++) {
                        b.clear();
                        src.readFully(p, b);
                        assertArrayEquals(Arrays.copyOfRange(DATA, (int) p, (int) p + MIB), b.array(), "bytes at " + p);
                    }
                    return chunks;
                }));
            }
            int total = 0;
            for (Future<Integer> f : workers) {
                total += f.get();
            }
            assertEquals(32, total);
        } finally {
            pool.shutdownNow();
        }
        List<long[]> ranges = new ArrayList<>(RANGES.requested().stream().skip(1).map(HttpRangeReadAheadTest::parse).toList());
        ranges.sort(Comparator.comparingLong(r -> r[0]));
        for (int i = 1; i < ranges.size(); i++) {
            assertTrue(ranges.get(i)[0] > ranges.get(i - 1)[1], "bytes fetched twice: " + RANGES.requested());
        }
        assertTrue(ranges.size() <= 8, "requests: " + RANGES.requested());
        assertTrue(src.peakReadAheadWindows() <= 2, "windows held: " + src.peakReadAheadWindows());
    }

    @Test
    void consecutiveTableSizedReadsOpenNoWindow() throws Exception {
        // Inspection and audit read tables one after another in cluster-sized pieces: read-ahead
        // there would fetch the whole of a small image and defeat range reads.
        HttpRangeByteSource src = open(ClientOptions.defaults());
        for (long p = 0; p < 8 * 65536; p += 65536) {
            assertArrayEquals(Arrays.copyOfRange(DATA, (int) p, (int) p + 65536), src.readBytes(p, 65536), "bytes at " + p);
        }
        assertEquals(0, src.peakReadAheadWindows());
        assertTrue(src.bytesFetched() <= 9 * 65536L, "fetched " + src.bytesFetched()); // the probe and the eight reads
    }

    @Test
    void scatteredReadsFetchOnlyWhatTheyAskFor() throws Exception {
        HttpRangeByteSource src = open(ClientOptions.defaults());
        assertArrayEquals(Arrays.copyOfRange(DATA, 512, 1024), src.readBytes(512, 512));
        assertArrayEquals(Arrays.copyOfRange(DATA, 20 * MIB + 100, 20 * MIB + 164), src.readBytes(20 * MIB + 100, 64));
        assertArrayEquals(Arrays.copyOfRange(DATA, 20 * MIB + 200, 20 * MIB + 264), src.readBytes(20 * MIB + 200, 64));
        // Large reads that do not follow a recent one (clusters scattered over the file) are exact.
        assertArrayEquals(Arrays.copyOfRange(DATA, 12 * MIB, 13 * MIB), src.readBytes(12 * MIB, MIB));
        assertArrayEquals(Arrays.copyOfRange(DATA, 3 * MIB, 4 * MIB), src.readBytes(3 * MIB, MIB));
        assertArrayEquals(Arrays.copyOfRange(DATA, 27 * MIB, 28 * MIB), src.readBytes(27 * MIB, MIB));
        assertEquals(List.of(range(0, 65536), range(20 * MIB, 20 * MIB + 65536), range(12 * MIB, 13 * MIB),
                range(3 * MIB, 4 * MIB), range(27 * MIB, 28 * MIB)), RANGES.requested());
        assertEquals(0, src.peakReadAheadWindows());
    }

    @Test
    void aWindowWhoseBodyBreaksOffIsFetchedAgain() throws Exception {
        RANGES.truncateLargeOnce.set(1);
        HttpRangeByteSource src = open(ClientOptions.defaults()
                .withRetry(RetryPolicy.defaults().withAttempts(3).withSleeper(d -> { })));
        ByteBuffer b = ByteBuffer.allocate(MIB);
        for (long p = 0; p < 16 * MIB; p += MIB) {
            b.clear();
            src.readFully(p, b);
            assertArrayEquals(Arrays.copyOfRange(DATA, (int) p, (int) p + MIB), b.array(), "bytes at " + p);
        }
        assertEquals(List.of(range(0, 65536), range(0, MIB), range(MIB, 8 * MIB), range(MIB, 8 * MIB),
                range(8 * MIB, 16 * MIB)), RANGES.requested());
    }

    @Test
    void aWindowThatCannotBeFetchedFailsTheReadAndTheNextReadTriesAgain() throws Exception {
        RANGES.truncateLargeOnce.set(2);
        HttpRangeByteSource src = open(ClientOptions.defaults()
                .withRetry(RetryPolicy.defaults().withAttempts(2).withSleeper(d -> { })));
        src.readBytes(0, MIB);
        assertThrows(java.io.EOFException.class, () -> src.readBytes(MIB, MIB));
        assertArrayEquals(Arrays.copyOfRange(DATA, MIB, 2 * MIB), src.readBytes(MIB, MIB));
        assertArrayEquals(Arrays.copyOfRange(DATA, 2 * MIB, 3 * MIB), src.readBytes(2 * MIB, MIB));
        assertEquals(List.of(range(0, 65536), range(0, MIB), range(MIB, 8 * MIB), range(MIB, 8 * MIB),
                range(MIB, 8 * MIB)), RANGES.requested());
    }

    @Test
    void interleavedStreamsNeverHoldMoreThanTheConfiguredWindows() throws Exception {
        HttpRangeByteSource src = open(ClientOptions.defaults().withRangeWindows(4 * MIB, 3));
        ByteBuffer b = ByteBuffer.allocate(MIB);
        // Four sequential readers in four regions, taking turns: more streams than windows.
        for (int step = 0; step < 8; step++) {
            for (int stream = 0; stream < 4; stream++) {
                long p = stream * 8L * MIB + step * (long) MIB;
                b.clear();
                src.readFully(p, b);
                assertArrayEquals(Arrays.copyOfRange(DATA, (int) p, (int) p + MIB), b.array(), "bytes at " + p);
            }
        }
        assertTrue(src.peakReadAheadWindows() <= 3, "windows held: " + src.peakReadAheadWindows());
        for (String r : RANGES.requested()) {
            long[] span = parse(r);
            assertTrue(span[1] - span[0] + 1 <= 4 * MIB, r);
        }
    }

    private HttpRangeByteSource open(ClientOptions options) throws Exception {
        CloudEntry cloud = new CloudEntry("wm", dir.resolve("clouds.yaml"), new PasswordAuth(wm.baseUrl() + "/v3", "u", null,
                new Secret("pw"), "service", null, null, "default", null, "default"), "R", "public", null, true);
        client = GlanceClient.connect(cloud, options.withReadTimeout(Duration.ofSeconds(10)));
        ObjectNode image = JSON.createObjectNode();
        image.put("id", ID).put("name", "img").put("status", "active").put("disk_format", "raw")
                .put("container_format", "bare").put("size", SIZE);
        return client.openRanges(new GlanceImage(image)).orElseThrow();
    }

    private static String range(long start, long endExclusive) {
        return "bytes=" + start + "-" + (endExclusive - 1);
    }

    private static long[] parse(String range) {
        Matcher m = Pattern.compile("bytes=(\\d+)-(\\d+)").matcher(range);
        assertTrue(m.matches(), range);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    /** Answers {@code Range: bytes=a-b} with 206 and those bytes of DATA, recording each range asked for. */
    static final class RangeServer implements ResponseDefinitionTransformerV2 {
        static final String NAME = "glance-ranges";
        final List<String> requested = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger truncateLargeOnce = new AtomicInteger();
        volatile int delayMillis;

        void reset() {
            requested.clear();
            truncateLargeOnce.set(0);
            delayMillis = 0;
        }

        List<String> requested() {
            return List.copyOf(requested);
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            String range = event.getRequest().getHeader("Range");
            requested.add(range);
            long[] span = parse(range);
            int start = (int) span[0];
            int end = (int) Math.min(span[1], SIZE - 1);
            int len = end - start + 1;
            if (len > MIB && truncateLargeOnce.getAndDecrement() > 0) {
                len /= 2; // the body breaks off: fewer bytes than the Content-Range promises
            }
            ResponseDefinitionBuilder r = new ResponseDefinitionBuilder().withStatus(206)
                    .withHeader("Content-Range", "bytes " + start + "-" + end + "/" + SIZE)
                    .withBody(Arrays.copyOfRange(DATA, start, start + len));
            if (delayMillis > 0) {
                r = r.withFixedDelay(delayMillis);
            }
            return r.build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return NAME;
        }
    }
}
