package org.glanceconvert.daemon;

import java.util.List;
import java.util.Map;

/**
 * What Glance says about an image, as the decision table needs it. {@code properties} holds
 * every extra (user or service) property as Glance returns it, as strings.
 */
public record ImageFacts(String id, String name, String owner, String status, String diskFormat,
                         String containerFormat, Long size, Map<String, String> properties, List<String> tags) {

    public ImageFacts {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public String property(String key) {
        return properties.get(key);
    }

    public boolean flag(String key) {
        return "true".equalsIgnoreCase(properties.get(key));
    }
}
