package org.glanceconvert.glance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON patch for {@code PATCH /v2/images/{id}} (media type
 * {@code application/openstack-images-v2.1-json-patch}). Glance wants JSON booleans for
 * {@code os_hidden} and {@code protected}: the string "true" is a 400.
 */
public final class JsonPatch {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ArrayNode ops = JSON.createArrayNode();

    public static JsonPatch create() {
        return new JsonPatch();
    }

    /** Sets a property or attribute whether or not it exists ({@code add} replaces in JSON patch). */
    public JsonPatch set(String key, String value) {
        op("add", key).put("value", value);
        return this;
    }

    public JsonPatch set(String key, boolean value) {
        op("add", key).put("value", value);
        return this;
    }

    public JsonPatch set(String key, long value) {
        op("add", key).put("value", value);
        return this;
    }

    /** Sets a list attribute, e.g. {@code tags}, to exactly these values. */
    public JsonPatch set(String key, java.util.Collection<String> values) {
        ArrayNode a = op("add", key).putArray("value");
        values.forEach(a::add);
        return this;
    }

    /** Fails with 409 (conflict) if the property is absent, so use it only to assert presence. */
    public JsonPatch replace(String key, String value) {
        op("replace", key).put("value", value);
        return this;
    }

    public JsonPatch remove(String key) {
        op("remove", key);
        return this;
    }

    boolean removes() {
        for (com.fasterxml.jackson.databind.JsonNode op : ops) {
            if ("remove".equals(op.path("op").asText())) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    ArrayNode toJson() {
        return ops.deepCopy();
    }

    private ObjectNode op(String op, String key) {
        ObjectNode o = ops.addObject();
        o.put("op", op);
        o.put("path", "/" + key.replace("~", "~0").replace("/", "~1"));
        return o;
    }

    @Override
    public String toString() {
        return ops.toString();
    }
}
