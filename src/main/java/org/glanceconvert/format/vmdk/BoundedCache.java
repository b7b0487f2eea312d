package org.glanceconvert.format.vmdk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A least-recently-used map holding at most a fixed number of entries, safe for concurrent use.
 * Values are loaded outside the lock, so two threads may load the same entry once each.
 */
final class BoundedCache<K, V> {
    private final LinkedHashMap<K, V> map;

    BoundedCache(int maxEntries) {
        int capacity = Math.max(1, maxEntries);
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized V get(K key) {
        return map.get(key);
    }

    synchronized void put(K key, V value) {
        map.put(key, value);
    }
}
