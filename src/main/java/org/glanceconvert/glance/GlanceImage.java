package org.glanceconvert.glance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.glanceconvert.config.RuleSubject;

/**
 * One image exactly as Glance v2 returned it. The JSON is kept whole: statuses such as
 * {@code importing}, visibility {@code shared}, boolean {@code os_hidden} and every user
 * property survive unchanged (openstack4j's model loses each of these).
 */
public final class GlanceImage implements RuleSubject {
    /**
     * Attributes Glance defines or computes, as opposed to user properties. A copy of an image
     * takes the user properties; these it sets itself or Glance fills in.
     */
    public static final Set<String> BASE_ATTRIBUTES = Set.of(
            "id", "name", "status", "visibility", "protected", "os_hidden", "owner", "checksum", "os_hash_algo",
            "os_hash_value", "size", "virtual_size", "min_disk", "min_ram", "disk_format", "container_format",
            "created_at", "updated_at", "tags", "self", "file", "schema", "locations", "direct_url", "stores");

    private final ObjectNode json;

    public GlanceImage(ObjectNode json) {
        this.json = json;
    }

    /** The image as Glance sent it (a copy). */
    public ObjectNode json() {
        return json.deepCopy();
    }

    public String id() {
        return text("id");
    }

    @Override
    public String name() {
        return text("name");
    }

    public String status() {
        return text("status");
    }

    public boolean isActive() {
        return "active".equals(status());
    }

    @Override
    public String diskFormat() {
        return text("disk_format");
    }

    public String containerFormat() {
        return text("container_format");
    }

    @Override
    public String owner() {
        return text("owner");
    }

    public String visibility() {
        return text("visibility");
    }

    public boolean isProtected() {
        return json.path("protected").asBoolean(false);
    }

    public boolean isHidden() {
        JsonNode n = json.path("os_hidden");
        return n.isBoolean() ? n.booleanValue() : "true".equalsIgnoreCase(n.asText());
    }

    /** Bytes stored, or null while the image has no data. */
    public Long size() {
        return number("size");
    }

    /** Disk size Glance computed, or null when it could not (format mismatch, unknown format). */
    public Long virtualSize() {
        return number("virtual_size");
    }

    public int minDisk() {
        return json.path("min_disk").asInt(0);
    }

    public int minRam() {
        return json.path("min_ram").asInt(0);
    }

    /** MD5 of the data (Glance's legacy {@code checksum}), or null. */
    public String checksum() {
        return text("checksum");
    }

    public String osHashAlgo() {
        return text("os_hash_algo");
    }

    public String osHashValue() {
        return text("os_hash_value");
    }

    public Instant createdAt() {
        return instant("created_at");
    }

    public Instant updatedAt() {
        return instant("updated_at");
    }

    @Override
    public Set<String> tags() {
        Set<String> tags = new LinkedHashSet<>();
        json.path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    /** Backends holding the data (multi-store Glance: comma-separated {@code stores}). */
    public List<String> stores() {
        String s = text("stores");
        List<String> out = new ArrayList<>();
        if (s != null) {
            for (String p : s.split(",")) {
                if (!p.isBlank()) {
                    out.add(p.trim());
                }
            }
        }
        return out;
    }

    /** Any top-level field as text (booleans and numbers too); empty when absent or null. */
    @Override
    public Optional<String> property(String key) {
        JsonNode n = json.get(key);
        if (n == null || n.isNull() || n.isContainerNode()) {
            return Optional.empty();
        }
        return Optional.of(n.asText());
    }

    /** User properties: everything that is not a base attribute. Glance keeps them as strings. */
    public Map<String, String> userProperties() {
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = json.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!BASE_ATTRIBUTES.contains(e.getKey()) && !e.getValue().isNull() && !e.getValue().isContainerNode()) {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    private String text(String key) {
        JsonNode n = json.get(key);
        return n == null || n.isNull() ? null : n.asText();
    }

    private Long number(String key) {
        JsonNode n = json.get(key);
        return n == null || !n.canConvertToLong() ? null : n.asLong();
    }

    private Instant instant(String key) {
        String s = text(key);
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "GlanceImage[" + id() + " '" + name() + "' " + status() + " " + diskFormat() + "]";
    }
}
