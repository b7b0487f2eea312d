package org.glanceconvert.glance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The body of {@code POST /v2/images}: base attributes plus user properties (strings). */
public final class NewImage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private String id;
    private String name;
    private String diskFormat;
    private String containerFormat = "bare";
    private String visibility;
    private String owner;
    private Integer minDisk;
    private Integer minRam;
    private Boolean isProtected;
    private Boolean hidden;
    private final Set<String> tags = new LinkedHashSet<>();
    private final Map<String, String> properties = new LinkedHashMap<>();

    public static NewImage named(String name) {
        NewImage n = new NewImage();
        n.name = name;
        return n;
    }

    /** A caller-chosen id: creating it twice answers 409, which makes creation idempotent. */
    public NewImage id(String id) {
        this.id = id;
        return this;
    }

    public String id() {
        return id;
    }

    public NewImage diskFormat(String f) {
        this.diskFormat = f;
        return this;
    }

    public NewImage containerFormat(String f) {
        this.containerFormat = f;
        return this;
    }

    public NewImage visibility(String v) {
        this.visibility = v;
        return this;
    }

    /** Another project as owner (needs admin). */
    public NewImage owner(String projectId) {
        this.owner = projectId;
        return this;
    }

    public NewImage minDisk(int gib) {
        this.minDisk = gib;
        return this;
    }

    public NewImage minRam(int mib) {
        this.minRam = mib;
        return this;
    }

    public NewImage protectedImage(boolean p) {
        this.isProtected = p;
        return this;
    }

    /** {@code os_hidden}: left out of default listings (still usable by id). */
    public NewImage hidden(boolean h) {
        this.hidden = h;
        return this;
    }

    public NewImage tag(String t) {
        tags.add(t);
        return this;
    }

    public NewImage property(String key, String value) {
        if (GlanceImage.BASE_ATTRIBUTES.contains(key)) {
            throw new IllegalArgumentException(key + " is a base attribute, not a property");
        }
        properties.put(key, Objects.requireNonNull(value, key));
        return this;
    }

    public NewImage properties(Map<String, String> props) {
        props.forEach(this::property);
        return this;
    }

    /** The request body as it is sent. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        properties.forEach(n::put);
        if (id != null) {
            n.put("id", id);
        }
        if (name != null) {
            n.put("name", name);
        }
        if (diskFormat != null) {
            n.put("disk_format", diskFormat);
        }
        if (containerFormat != null) {
            n.put("container_format", containerFormat);
        }
        if (visibility != null) {
            n.put("visibility", visibility);
        }
        if (owner != null) {
            n.put("owner", owner);
        }
        if (minDisk != null) {
            n.put("min_disk", minDisk);
        }
        if (minRam != null) {
            n.put("min_ram", minRam);
        }
        if (isProtected != null) {
            n.put("protected", isProtected);
        }
        if (hidden != null) {
            n.put("os_hidden", hidden);
        }
        if (!tags.isEmpty()) {
            ArrayNode a = n.putArray("tags");
            tags.forEach(a::add);
        }
        return n;
    }
}
