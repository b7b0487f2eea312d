package org.glanceconvert.daemon;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers which (image, reason) pairs were reported, so a skip that every poll sees again is
 * logged once per process. Bounded: the oldest entries are forgotten first (and at worst
 * reported again).
 */
final class OncePerProcess {
    private final Map<String, Boolean> seen;

    OncePerProcess(int capacity) {
        this.seen = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time {@code key} is seen. */
    synchronized boolean first(String key) {
        return seen.put(key, Boolean.TRUE) == null;
    }
}
