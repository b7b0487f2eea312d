package org.glanceconvert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The oslo.messaging v2 envelope as Glance 25 (Debian 12) sends it on notifications.info. */
class NotificationEnvelopeTest {
    private static final String ID = "3b1e2a6c-63c5-4c4e-9d7a-0f5f2a8e9b11";

    /** The shape captured from a real Glance (messagingv2): oslo.message is a JSON string. */
    static String captured(String eventType, String status) {
        String inner = "{\"message_id\": \"6f0b3b9e-1f2a-4c55-9d10-5d3c7a1b2c3d\", \"publisher_id\": \"image.localhost\", "
                + "\"event_type\": \"" + eventType + "\", \"priority\": \"INFO\", \"payload\": {\"id\": \"" + ID + "\", "
                + "\"name\": \"n1\", \"status\": \"" + status + "\", \"created_at\": \"2026-11-27T23:20:20Z\", "
                + "\"updated_at\": \"2026-11-27T23:20:21Z\", \"min_disk\": 0, \"min_ram\": 0, \"protected\": false, "
                + "\"checksum\": null, \"owner\": \"test-project\", \"disk_format\": \"vmdk\", \"container_format\": \"bare\", "
                + "\"size\": null, \"virtual_size\": null, \"is_public\": false, \"visibility\": \"shared\", "
                + "\"properties\": {}, \"tags\": [], \"deleted\": false, \"deleted_at\": null}, "
                + "\"timestamp\": \"2026-11-27 23:20:20.301092\", \"_unique_id\": \"a1b2c3\"}";
        return "{\"oslo.version\": \"2.0\", \"oslo.message\": " + quote(inner) + "}";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static GlanceNotification parse(String body) throws Exception {
        return NotificationEnvelope.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"image.activate", "image.upload"})
    void activateAndUploadTriggerProcessingOfPayloadId(String event) throws Exception {
        GlanceNotification n = parse(captured(event, "active"));
        assertEquals(event, n.eventType());
        assertEquals(ID, n.imageId());
        assertTrue(n.triggersProcessing());
    }

    @ParameterizedTest
    @ValueSource(strings = {"image.create", "image.update", "image.prepare", "image.send", "image.delete"})
    void otherImageEventsAreReadButIgnored(String event) throws Exception {
        GlanceNotification n = parse(captured(event, "queued"));
        assertEquals(ID, n.imageId());
        assertFalse(n.triggersProcessing());
    }

    @Test
    void taskEventsCarryNoImageId() throws Exception {
        String inner = "{\"event_type\": \"task.success\", \"payload\": {\"task_id\": \"x\"}}";
        GlanceNotification n = parse("{\"oslo.version\": \"2.0\", \"oslo.message\": " + quote(inner) + "}");
        assertNull(n.imageId());
        assertFalse(n.triggersProcessing());
    }

    @Test
    void anUnwrappedMessageIsReadToo() throws Exception {
        GlanceNotification n = parse("{\"event_type\": \"image.activate\", \"payload\": {\"id\": \"" + ID + "\"}}");
        assertTrue(n.triggersProcessing());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "not json",
        "[1,2]",
        "{\"oslo.version\": \"2.0\", \"oslo.message\": {\"event_type\": \"image.activate\"}}",
        "{\"oslo.version\": \"1.0\", \"oslo.message\": \"{}\"}",
        "{\"oslo.version\": \"2.0\", \"oslo.message\": \"not json\"}",
        "{\"oslo.version\": \"2.0\", \"oslo.message\": \"{\\\"payload\\\": {}}\"}",
        "{\"event_type\": \"image.activate\", \"payload\": {\"id\": \"../../v2/images\"}}",
        "{\"event_type\": 7}",
    })
    void malformedMessagesAreRefusedWithAReason(String body) {
        var e = assertThrows(NotificationEnvelope.MalformedNotificationException.class, () -> parse(body));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void oversizedBodiesAreRefusedUnparsed() {
        byte[] big = new byte[NotificationEnvelope.MAX_BODY_BYTES + 1];
        assertThrows(NotificationEnvelope.MalformedNotificationException.class, () -> NotificationEnvelope.parse(big));
    }
}
