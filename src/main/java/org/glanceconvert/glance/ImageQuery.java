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
        return set("status", status);
    }

    /** {@code public}, {@code private}, {@code shared}, {@code community} or {@code all}. */
    public ImageQuery visibility(String visibility) {
        return set("visibility", visibility);
    }

    /** true lists only hidden images, false only visible ones; unset = Glance's default (visible only). */
    public ImageQuery osHidden(boolean hidden) {
        return set("os_hidden", Boolean.toString(hidden));
    }

    public ImageQuery tag(String tag) {
        return set("tag", tag);
    }

    public ImageQuery owner(String projectId) {
        return set("owner", projectId);
    }

    public ImageQuery name(String name) {
        return set("name", name);
    }

    public ImageQuery diskFormat(String diskFormat) {
        return set("disk_format", diskFormat);
    }

    /** {@code updated_at=gte:T} (v2 has no {@code changes-since}). Glance compares whole seconds. */
    public ImageQuery updatedAtOrAfter(Instant t) {
        return set("updated_at", "gte:" + t.truncatedTo(ChronoUnit.SECONDS));
    }

    public ImageQuery createdAtOrAfter(Instant t) {
        return set("created_at", "gte:" + t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** A user property equal to {@code value}. */
    public ImageQuery property(String name, String value) {
        if (!PROPERTY_NAME.matcher(name).matches() || RESERVED.contains(name)) {
            throw new IllegalArgumentException("not a property filter: " + name);
        }
        return set(name, value);
    }

    /** e.g. {@code created_at:asc,id:asc}; a unique last key keeps paging stable. */
    public ImageQuery sort(String sort) {
        return set("sort", sort);
    }

    /** Images per request (Glance caps it at its api_limit_max). */
    public ImageQuery pageSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("page size must be positive");
        }
        this.pageSize = n;
        return this;
    }

    /**
     * This query, then a copy that lists hidden images ({@code os_hidden=true}): Glance leaves
     * hidden images out of every listing that does not ask for them, so seeing the whole catalog
     * takes both.
     */
    public java.util.List<ImageQuery> visibleAndHidden() {
        ImageQuery hidden = new ImageQuery();
        hidden.params.putAll(params);
        hidden.pageSize = pageSize;
        return java.util.List.of(this, hidden.osHidden(true));
    }

    private ImageQuery set(String name, String value) {
        params.put(name, value);
        return this;
    }

    int pageSize() {
        return pageSize;
    }

    Map<String, String> params() {
        return new LinkedHashMap<>(params);
    }
}
