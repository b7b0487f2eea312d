package org.glanceconvert.glance;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Response;
import org.glanceconvert.image.ByteSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image's data in Glance, read at any offset with HTTP range requests
 * ({@code GET /v2/images/{id}/file} with {@code Range}; the file store answers 206). Inspection
 * reads headers and tables this way instead of downloading the image. Small reads go through a
 * bounded cache of aligned blocks (formats reread their headers); large reads that follow a recent
 * large read (a conversion or digest reading the image in order) are served from a bounded
 * read-ahead ({@link ReadAheadWindows}: {@code rangeWindows} windows of {@code rangeWindowSize});
 * other large reads fetch exactly the range asked for. Safe for concurrent reads.
 *
 * <p>Not every store serves ranges: {@link #open} probes with a first range request and returns
 * empty when Glance answers 200 with the whole image, so the caller can stream instead.
 */
public final class HttpRangeByteSource implements ByteSource {
    private static final Logger LOG = LoggerFactory.getLogger(HttpRangeByteSource.class);
    /** Largest single range request: big reads are split so no read allocates more than this. */
    private static final int MAX_DIRECT_READ = 4 << 20;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final GlanceClient client;
    private final String imageId;
    private final long size;
    private final int blockSize;
    private final Map<Long, byte[]> cache;
    private final ReadAheadWindows readAhead;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytesFetched = new AtomicLong();

    private HttpRangeByteSource(GlanceClient client, String imageId, long size) {
        this.client = client;
        this.imageId = imageId;
        this.size = size;
        this.blockSize = client.options().rangeBlockSize();
        int maxBlocks = client.options().rangeCacheBlocks();
        this.readAhead = new ReadAheadWindows(size, client.options().rangeWindowSize(), client.options().rangeWindows(),
                this::fetch);
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > maxBlocks;
            }
        };
    }

    /** Probes the image for range support; empty when Glance answers a range request with 200. */
    static Optional<HttpRangeByteSource> open(GlanceClient client, GlanceImage image) throws IOException {
        Long size = image.size();
        if (size == null) {
            throw new IOException("image " + image.id() + " (" + image.status() + ") has no data size; nothing to read");
        }
        HttpRangeByteSource source = new HttpRangeByteSource(client, image.id(), size);
        if (size == 0) {
            return Optional.of(source);
        }
        long end = Math.min(size, source.blockSize) - 1;
        Response r = client.openFile(image.id(), 0, end);
        try {
            source.requests.incrementAndGet();
            if (r.code() != 206) {
                LOG.info("image {}: Glance answered a range request with {}, not 206; reading it as a stream instead",
                        image.id(), r.code());
                return Optional.empty();
            }
            long total = contentRangeTotal(r.header("Content-Range"));
            if (total >= 0 && total != size) {
                throw new IOException("image " + image.id() + ": Glance says the data has " + total
                        + " bytes, its size is " + size);
            }
            byte[] block = source.body(r, 0, end);
            source.cache(0, block);
            LOG.debug("image {}: Glance serves range requests", image.id());
            return Optional.of(source);
        } finally {
            r.close();
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position");
        }
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(Math.min(dst.remaining(), MAX_DIRECT_READ), size - position);
        if (n == 0) {
            return 0;
        }
        if (n >= blockSize) {
            int served = readAhead.read(position, n, dst);
            if (served >= 0) {
                return served;
            }
            byte[] bytes = fetch(position, position + n - 1);
            dst.put(bytes);
            return n;
        }
        long index = position / blockSize;
        byte[] block = block(index);
        int within = (int) (position - index * blockSize);
        int count = Math.min(n, block.length - within);
        dst.put(block, within, count);
        return count;
    }

    /** Range requests sent so far (including the probe). */
    public long requests() {
        return requests.get();
    }

    /** Bytes received so far. */
    public long bytesFetched() {
        return bytesFetched.get();
    }

    /** Most read-ahead windows held at once so far. */
    int peakReadAheadWindows() {
        return readAhead.peakWindows();
    }

    @Override
    public String name() {
        return "glance image " + imageId;
    }

    @Override
    public void close() {
        synchronized (cache) {
            cache.clear();
        }
        readAhead.clear();
    }

    private byte[] block(long index) throws IOException {
        synchronized (cache) {
            byte[] b = cache.get(index);
            if (b != null) {
                return b;
            }
        }
        long start = index * blockSize;
        long end = Math.min(size, start + blockSize) - 1;
        byte[] b = fetch(start, end);
        cache(index, b);
        return b;
    }

    private void cache(long index, byte[] block) {
        synchronized (cache) {
            cache.put(index, block);
        }
    }

    /** Exactly bytes start..end, retrying a body that breaks off. */
    private byte[] fetch(long start, long end) throws IOException {
        RetryPolicy retry = client.options().retry();
        for (int attempt = 1; ; attempt++) {
            Response r = client.openFile(imageId, start, end);
            requests.incrementAndGet();
            try {
                if (r.code() != 206) {
                    throw new IOException("image " + imageId + ": Glance answered the range " + start + "-" + end
                            + " with " + r.code() + " after serving ranges before");
                }
                return body(r, start, end);
            } catch (IOException e) {
                if (!RetryPolicy.isTransient(e) || attempt >= retry.attempts()) {
                    throw e;
                }
                LOG.warn("image {}: range {}-{} failed ({}), try {} of {}", imageId, start, end, e.toString(), attempt,
                        retry.attempts());
                retry.backoff(attempt);
            } finally {
                r.close();
            }
        }
    }

    private byte[] body(Response r, long start, long end) throws IOException {
        String header = r.header("Content-Range");
        Matcher m = header == null ? null : CONTENT_RANGE.matcher(header.trim());
        if (m == null || !m.matches() || Long.parseLong(m.group(1)) != start || Long.parseLong(m.group(2)) != end) {
            throw new IOException("image " + imageId + ": asked for bytes " + start + "-" + end
                    + ", Glance answered Content-Range " + header);
        }
        int len = Math.toIntExact(end - start + 1);
        byte[] bytes = new byte[len];
        try (InputStream in = r.body().byteStream()) {
            int off = 0;
            while (off < len) {
                int n = in.read(bytes, off, len - off);
                if (n < 0) {
                    throw new EOFException("image " + imageId + ": range " + start + "-" + end + " ended after " + off + " bytes");
                }
                off += n;
            }
        }
        bytesFetched.addAndGet(len);
        return bytes;
    }

    static long contentRangeStart(String header) throws IOException {
        Matcher m = header == null ? null : CONTENT_RANGE.matcher(header.trim());
        if (m == null || !m.matches()) {
            throw new IOException("malformed Content-Range: " + header);
        }
        return Long.parseLong(m.group(1));
    }

    private static long contentRangeTotal(String header) throws IOException {
        Matcher m = header == null ? null : CONTENT_RANGE.matcher(header.trim());
        if (m == null || !m.matches()) {
            throw new IOException("malformed Content-Range: " + header);
        }
        return "*".equals(m.group(3)) ? -1 : Long.parseLong(m.group(3));
    }
}
