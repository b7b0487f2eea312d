package org.glanceconvert.glance;

import java.time.Duration;

/**
 * Timeouts and retry behaviour of the Glance/Keystone client.
 *
 * @param readTimeout        longest silence while reading a response (a stalled Glance is a failure)
 * @param tokenRefreshMargin a token with less life left than this is renewed before use
 * @param rangeBlockSize     unit of range reads and of their cache
 * @param rangeCacheBlocks   range blocks kept (inspection rereads headers and tables)
 */
public record ClientOptions(Duration connectTimeout, Duration readTimeout, Duration writeTimeout,
                            RetryPolicy retry, Duration tokenRefreshMargin, int rangeBlockSize, int rangeCacheBlocks) {

    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60),
                RetryPolicy.defaults(), Duration.ofMinutes(5), 64 * 1024, 64);
    }

    public ClientOptions withRetry(RetryPolicy r) {
        return new ClientOptions(connectTimeout, readTimeout, writeTimeout, r, tokenRefreshMargin, rangeBlockSize, rangeCacheBlocks);
    }

    public ClientOptions withReadTimeout(Duration d) {
        return new ClientOptions(connectTimeout, d, writeTimeout, retry, tokenRefreshMargin, rangeBlockSize, rangeCacheBlocks);
    }

    public ClientOptions withTokenRefreshMargin(Duration d) {
        return new ClientOptions(connectTimeout, readTimeout, writeTimeout, retry, d, rangeBlockSize, rangeCacheBlocks);
    }
}
