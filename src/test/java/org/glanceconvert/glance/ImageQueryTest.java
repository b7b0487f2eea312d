package org.glanceconvert.glance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageQueryTest {
    @Test
    void visibleAndHiddenAreTheSameQueryOnceWithoutAndOnceWithOsHidden() {
        ImageQuery q = ImageQuery.all().status("active").visibility("all").updatedAtOrAfter(Instant.parse("2026-01-02T03:04:05.678Z"))
                .property("glance_convert_state", "failed").sort("created_at:asc,id:asc").pageSize(7);
        List<ImageQuery> both = q.visibleAndHidden();
        assertEquals(2, both.size());
        Map<String, String> plain = Map.of("status", "active", "visibility", "all", "updated_at", "gte:2026-01-02T03:04:05Z",
                "glance_convert_state", "failed", "sort", "created_at:asc,id:asc");
        assertEquals(plain, both.get(0).params());
        java.util.Map<String, String> hidden = new java.util.HashMap<>(plain);
        hidden.put("os_hidden", "true");
        assertEquals(hidden, both.get(1).params());
        assertEquals(7, both.get(1).pageSize());
        assertEquals(plain, q.params(), "the original query is not changed by its hidden copy");
    }

    @Test
    void propertyFiltersCannotNameGlanceParameters() {
        assertThrows(IllegalArgumentException.class, () -> ImageQuery.all().property("status", "x"));
        assertThrows(IllegalArgumentException.class, () -> ImageQuery.all().property("a b", "x"));
    }
}
