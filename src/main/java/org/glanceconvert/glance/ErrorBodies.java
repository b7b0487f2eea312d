package org.glanceconvert.glance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Extracts the human explanation from a Glance or Keystone error body. */
final class ErrorBodies {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX = 500;

    private ErrorBodies() {
    }

    /**
     * Glance (with {@code Accept: application/json}): {@code {"message": "...<br /><br />", "code",
     * "title"}}; Keystone: {@code {"error": {"message", "code", "title"}}}; anything else is
     * stripped of HTML and cut short.
     */
    static String message(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.isObject()) {
                JsonNode m = n.path("message");
                if (m.isMissingNode()) {
                    m = n.path("error").path("message");
                }
                if (m.isTextual()) {
                    return clean(m.asText());
                }
            }
        } catch (Exception e) {
            // not JSON: fall through to text
        }
        return clean(body);
    }

    private static String clean(String text) {
        String t = text.replaceAll("(?i)<br\\s*/?>", " ").replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
        return t.length() > MAX ? t.substring(0, MAX) + "..." : t;
    }
}
