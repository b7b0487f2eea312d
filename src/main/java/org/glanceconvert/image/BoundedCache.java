package org.glanceconvert.image;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A least-recently-used cache of at most a fixed number of entries, safe for concurrent use: how
 * readers keep metadata tables (L2 tables, grain tables, BAT pages, sector bitmaps) within
 * {@link Limits#maxCacheBytes()} whatever the image size. Values are loaded outside the lock, so
 * concurrent readers do their I/O in parallel; two threads missing the same key both load it,
 * which costs a read but never a wrong answer.
 */
public final class BoundedCache<K, V> {

    /** Reads the value of a key that is not cached. */
    @FunctionalInterface
    public interface Loader<K, V> {
        V load(K key) throws IOException;
    }

    private final Map<K, V> entries;

    /** @param maxEntries at most this many entries are kept (at least one) */
    public BoundedCache(int maxEntries) {
        int capacity = Math.max(1, maxEntries);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The cached value, or null. */
    public synchronized V get(K key) {
        return entries.get(key);
    }

    public synchronized void put(K key, V value) {
        entries.put(key, value);
    }

    /** The cached value, loading and caching it first when it is not there. */
    public V get(K key, Loader<? super K, ? extends V> loader) throws IOException {
        V value = get(key);
        if (value == null) {
            value = loader.load(key);
            put(key, value);
        }
        return value;
    }
}
