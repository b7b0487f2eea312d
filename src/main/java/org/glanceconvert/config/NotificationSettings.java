package org.glanceconvert.config;

import java.net.URI;
import java.time.Duration;

/**
 * Glance's notifications on RabbitMQ for one cloud (config {@code notifications}).
 *
 * @param transportUrl       oslo.messaging style {@code rabbit://user:pass@host:port/vhost}; holds a secret
 * @param exchange           Glance's topic exchange ({@code glance})
 * @param routingKey         the notification topic and priority ({@code notifications.info})
 * @param queue              glance-convert's own durable queue bound to it, so Glance's other consumers are untouched
 * @param safetyPollInterval polling interval while notifications flow (a net for missed events)
 */
public record NotificationSettings(URI transportUrl, String exchange, String routingKey, String queue,
                                   Duration safetyPollInterval, TlsSettings tls) {

    @Override
    public String toString() {
        return "NotificationSettings[" + ConfigNode.redactUserInfo(transportUrl.toString()) + ", exchange " + exchange
                + ", routing key " + routingKey + ", queue " + queue + ", safety poll " + safetyPollInterval + ", " + tls + "]";
    }
}
