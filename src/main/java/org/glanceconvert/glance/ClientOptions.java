package org.glanceconvert.glance;

import java.time.Duration;

/**
 * Timeouts and retry behaviour of the Glance/Keystone client.
 *
 * @param readTimeout        longest silence while reading a response (a stalled Glance is a failure)
 * @param tokenRefreshMargin a token with less life left than this is renewed before use
 * @param rangeBlockSize     unit of range reads and of their cache
 * @param rangeCacheBlocks   range blocks kept (inspection rereads headers and tables)
 * @param rangeWindowSize    read-ahead window of large sequential range reads (a conversion reading the
 *                           source): one request per window instead of one per read
 * @param rangeWindows       read-ahead windows held per open image, fetched or in flight (0: none);
 *                           heap per image is at most {@code rangeWindows * rangeWindowSize}
 */
public record ClientOptions(Duration connectTimeout, Duration readTimeout, Duration writeTimeout,
                            RetryPolicy retry, Duration tokenRefreshMargin, int rangeBlockSize, int rangeCacheBlocks,
                            int rangeWindowSize, int rangeWindows) {

    public ClientOptions {
        if (rangeBlockSize <= 0 || rangeCacheBlocks < 0 || rangeWindowSize < rangeBlockSize || rangeWindows < 0) {
            throw new IllegalArgumentException("range block " + rangeBlockSize + " x " + rangeCacheBlocks
                    + ", read-ahead window " + rangeWindowSize + " x " + rangeWindows);
        }
    }

    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60),
                RetryPolicy.defaults(), Duration.ofMinutes(5), 64 * 1024, 64,
                8 << 20, 2);
    }

    public ClientOptions withRetry(RetryPolicy r) {
        return new ClientOptions(connectTimeout, readTimeout, writeTimeout, r, tokenRefreshMargin, rangeBlockSize, rangeCacheBlocks,
                rangeWindowSize, rangeWindows);
    }

    public ClientOptions withReadTimeout(Duration d) {
        return new ClientOptions(connectTimeout, d, writeTimeout, retry, tokenRefreshMargin, rangeBlockSize, rangeCacheBlocks,
                rangeWindowSize, rangeWindows);
    }

    public ClientOptions withTokenRefreshMargin(Duration d) {
        return new ClientOptions(connectTimeout, readTimeout, writeTimeout, retry, d, rangeBlockSize, rangeCacheBlocks,
                rangeWindowSize, rangeWindows);
    }

    public ClientOptions withRangeWindows(int windowSize, int windows) {
        return new ClientOptions(connectTimeout, readTimeout, writeTimeout, retry, tokenRefreshMargin, rangeBlockSize,
                rangeCacheBlocks, windowSize, windows);
    }
}
