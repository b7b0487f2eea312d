package org.glanceconvert.glance;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Filters and sorting of {@code GET /v2/images}. Only named, known parameters: Glance treats any
 * unknown query parameter as a property filter and silently answers an empty list, so free-form
 * parameters are confined to {@link #property(String, String)}, which checks the name.
 */
public final class ImageQuery {
    private static final Pattern PROPERTY_NAME = Pattern.compile("[A-Za-z0-9_:.\\-]+");
    private static final java.util.Set<String> RESERVED = java.util.Set.of(
            "limit", "marker", "sort", "sort_key", "sort_dir", "status", "visibility", "os_hidden", "tag", "owner",
            "name", "disk_format", "container_format", "size_min", "size_max", "created_at", "updated_at", "member_status",
            "protected", "id");

    private final Map<String, String> params = new LinkedHashMap<>();
    private int pageSize = 100;

    public static ImageQuery all() {
        return new ImageQuery();
    }

    public ImageQuery status(String status) {
        params.put("status", status);
        return this;
    }

    /** {@code public}, {@code private}, {@code shared}, {@code community} or {@code all}. */
    public ImageQuery visibility(String visibility) {
        params.put("visibility", visibility);
        return this;
    }

    /** true lists only hidden images, false only visible ones; unset = Glance's default (visible only). */
    public ImageQuery osHidden(boolean hidden) {
        params.put("os_hidden", Boolean.toString(hidden));
        return this;
    }

    public ImageQuery tag(String tag) {
        params.put("tag", tag);
        return this;
    }

    public ImageQuery owner(String projectId) {
        params.put("owner", projectId);
        return this;
    }

    public ImageQuery name(String name) {
        params.put("name", name);
        return this;
    }

    public ImageQuery diskFormat(String diskFormat) {
        params.put("disk_format", diskFormat);
        return this;
    }

    /** {@code updated_at=gte:T} (v2 has no {@code changes-since}). Glance compares whole seconds. */
    public ImageQuery updatedAtOrAfter(Instant t) {
        params.put("updated_at", "gte:" + t.truncatedTo(ChronoUnit.SECONDS));
        return this;
    }

    public ImageQuery createdAtOrAfter(Instant t) {
        params.put("created_at", "gte:" + t.truncatedTo(ChronoUnit.SECONDS));
        return this;
    }

    /** A user property equal to {@code value}. */
    public ImageQuery property(String name, String value) {
        if (!PROPERTY_NAME.matcher(name).matches() || RESERVED.contains(name)) {
            throw new IllegalArgumentException("not a property filter: " + name);
        }
        params.put(name, value);
        return this;
    }

    /** e.g. {@code created_at:asc,id:asc}; a unique last key keeps paging stable. */
    public ImageQuery sort(String sort) {
        params.put("sort", sort);
        return this;
    }

    /** Images per request (Glance caps it at its api_limit_max). */
    public ImageQuery pageSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("page size must be positive");
        }
        this.pageSize = n;
        return this;
    }

    int pageSize() {
        return pageSize;
    }

    Map<String, String> params() {
        return new LinkedHashMap<>(params);
    }
}
