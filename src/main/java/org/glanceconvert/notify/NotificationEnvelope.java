package org.glanceconvert.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * Reads oslo.messaging's v2 envelope: {@code {"oslo.version": "2.0", "oslo.message": "<JSON
 * string>"}}, whose inner message carries {@code event_type} and {@code payload}. A bare
 * (unwrapped) message is accepted too: oslo.messaging sends those when its serializer is
 * configured without the envelope.
 */
public final class NotificationEnvelope {
    /** Bodies beyond this are not Glance image notifications; they are refused unparsed. */
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private NotificationEnvelope() {
    }

    /** Why a message is not a notification the daemon can read. */
    public static final class MalformedNotificationException extends Exception {
        MalformedNotificationException(String message) {
            super(message);
        }
    }

    public static GlanceNotification parse(byte[] body) throws MalformedNotificationException {
        if (body == null || body.length == 0) {
            throw new MalformedNotificationException("empty body");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new MalformedNotificationException("body of " + body.length + " bytes is larger than " + MAX_BODY_BYTES);
        }
        JsonNode outer = read(body);
        JsonNode message = outer;
        if (outer.has("oslo.message")) {
            String version = outer.path("oslo.version").asText("");
            if (!version.startsWith("2.")) {
                throw new MalformedNotificationException("oslo.version '" + version + "' is not 2.x");
            }
            JsonNode inner = outer.get("oslo.message");
            if (!inner.isTextual()) {
                throw new MalformedNotificationException("oslo.message is not a JSON string");
            }
            message = read(inner.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        JsonNode eventType = message.get("event_type");
        if (eventType == null || !eventType.isTextual() || eventType.asText().isEmpty()) {
            throw new MalformedNotificationException("no event_type");
        }
        JsonNode payload = message.get("payload");
        String imageId = null;
        if (payload != null && payload.isObject() && payload.path("id").isTextual()) {
            imageId = payload.get("id").asText();
            if (!looksLikeImageId(imageId)) {
                throw new MalformedNotificationException("payload.id is not an image id");
            }
        }
        return new GlanceNotification(eventType.asText(), imageId);
    }

    private static JsonNode read(byte[] bytes) throws MalformedNotificationException {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new MalformedNotificationException("not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedNotificationException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedNotificationException("unreadable: " + e.getMessage());
        }
    }

    /** Glance ids are UUIDs; anything else would go into a URL path unchecked. */
    private static boolean looksLikeImageId(String id) {
        return id.matches("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
    }
}
