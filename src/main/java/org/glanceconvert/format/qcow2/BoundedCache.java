package org.glanceconvert.format.qcow2;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A least-recently-used cache of at most {@code capacity} entries, safe for concurrent use. Values
 * are loaded outside the lock, so concurrent readers do their I/O in parallel; two threads missing
 * the same key both load it, which costs a read but never a wrong answer.
 */
final class BoundedCache<K, V> {
    private final int capacity;
    private final Map<K, V> entries;

    BoundedCache(int capacity) {
        this.capacity = Math.max(1, capacity);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > BoundedCache.this.capacity;
            }
        };
    }

    synchronized V get(K key) {
        return entries.get(key);
    }

    synchronized void put(K key, V value) {
        entries.put(key, value);
    }

    int capacity() {
        return capacity;
    }
}
