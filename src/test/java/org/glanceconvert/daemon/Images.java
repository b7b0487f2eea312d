package org.glanceconvert.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.glanceconvert.glance.GlanceImage;

/** Glance images as JSON, for tests of the pure parts. */
final class Images {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Images() {
    }

    static ObjectNode json(String id, String owner, String diskFormat, String status) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id).put("owner", owner).put("disk_format", diskFormat).put("status", status)
                .put("container_format", "bare").put("visibility", "shared").put("os_hidden", false)
                .put("protected", false).put("min_disk", 0).put("min_ram", 0).put("name", "img-" + id);
        n.putArray("tags");
        return n;
    }

    static GlanceImage image(ObjectNode json) {
        return new GlanceImage(json);
    }

    static GlanceImage with(ObjectNode json, Map<String, String> props) {
        ObjectNode copy = json.deepCopy();
        props.forEach(copy::put);
        return new GlanceImage(copy);
    }
}
