package org.glanceconvert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.time.Duration;
import org.glanceconvert.config.NotificationSettings;
import org.glanceconvert.config.TlsSettings;
import org.junit.jupiter.api.Test;

/** oslo.messaging transport URLs as the RabbitMQ client needs them. */
class BusConnectionsTest {

    private static NotificationSettings settings(String url, TlsSettings tls) {
        return new NotificationSettings(URI.create(url), "glance", "notifications.info", "glance-convert",
                Duration.ofMinutes(10), tls);
    }

    @Test
    void userPasswordHostPortAndVhost() throws Exception {
        ConnectionFactory f = BusConnections.factory(settings("rabbit://gc:s%40c+ret@mq.example:5673/openstack", TlsSettings.off()));
        assertEquals("gc", f.getUsername());
        assertEquals("s@c+ret", f.getPassword());
        assertEquals("mq.example", f.getHost());
        assertEquals(5673, f.getPort());
        assertEquals("openstack", f.getVirtualHost());
        assertFalse(f.isSSL());
        assertFalse(f.isAutomaticRecoveryEnabled(), "one recovery path: the listener's own loop");
    }

    @Test
    void noPathOrASlashIsTheDefaultVhost() {
        assertEquals("/", BusConnections.virtualHost(URI.create("rabbit://u:p@h:5672/")));
        assertEquals("/", BusConnections.virtualHost(URI.create("rabbit://u:p@h:5672")));
        assertEquals("/", BusConnections.virtualHost(URI.create("rabbit://u:p@h:5672/%2F")));
    }

    @Test
    void tlsDefaultsToPort5671() throws Exception {
        ConnectionFactory f = BusConnections.factory(settings("amqps://u:p@h/", new TlsSettings(true, null, true)));
        assertEquals(5671, f.getPort());
        assertTrue(f.isSSL());
    }

    @Test
    void descriptionsCarryNoCredentials() {
        String d = BusConnections.describe(settings("rabbit://gc:topsecret@h:5672/v", TlsSettings.off()));
        assertFalse(d.contains("topsecret"));
        assertFalse(d.contains("gc"));
        assertEquals("h:5672 vhost v", d);
    }
}
