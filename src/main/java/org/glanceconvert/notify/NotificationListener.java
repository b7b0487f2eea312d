package org.glanceconvert.notify;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.config.NotificationSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one cloud's Glance notifications from glance-convert's own durable queue, bound to
 * Glance's topic exchange, so Glance's other consumers ({@code notifications.info}) are untouched.
 * Replicas share the queue as competing consumers; each takes at most {@code prefetch} unacked
 * deliveries. A delivery is acknowledged through its {@link Settlement} once the image's decision
 * is recorded in Glance — never after a conversion, which can outlast RabbitMQ's consumer timeout.
 * Messages that are not image events, or not readable, are acknowledged and logged: a bad
 * message must not poison the queue.
 *
 * <p>One thread owns the connection: it connects, declares, consumes, and after any loss waits
 * with a growing backoff and does it all again. While it is down the daemon polls at its normal
 * interval; after every (re)connect {@code onConnected} runs (the daemon polls once, for events
 * sent while the broker was away: Glance drops those).
 */
public final class NotificationListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationListener.class);
    static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    /** Where image events go. */
    @FunctionalInterface
    public interface ImageEvents {
        void imageEvent(String imageId, String eventType, Settlement settlement);
    }

    private final String cloud;
    private final NotificationSettings settings;
    private final int prefetch;
    private final ImageEvents events;
    private final Runnable onConnected;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean connected;
    private volatile String lastProblem = "not connected yet";
    private volatile Connection connection;

    public NotificationListener(String cloud, NotificationSettings settings, int prefetch, ImageEvents events,
                                Runnable onConnected) {
        this.cloud = cloud;
        this.settings = settings;
        this.prefetch = Math.max(1, prefetch);
        this.events = events;
        this.onConnected = onConnected;
        this.thread = new Thread(this::loop, "notifications-" + cloud);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** True while consuming; false means the daemon is polling only. */
    public boolean connected() {
        return connected;
    }

    public String status() {
        return connected ? "consuming queue " + settings.queue() + " on " + BusConnections.describe(settings)
                : "degraded to polling: " + lastProblem;
    }

    private void loop() {
        Duration backoff = MIN_BACKOFF;
        ConnectionFactory factory;
        try {
            factory = BusConnections.factory(settings);
        } catch (IOException | GeneralSecurityException e) {
            lastProblem = "TLS setup failed: " + e.getMessage();
            LOG.error("cloud {}: notifications off, polling only: {}", cloud, lastProblem);
            return;
        }
        while (closing.getCount() > 0) {
            CountDownLatch lost = new CountDownLatch(1);
            try {
                Connection c = factory.newConnection("glance-convert " + cloud);
                connection = c;
                c.addShutdownListener(cause -> lost.countDown());
                consume(c);
                connected = true;
                backoff = MIN_BACKOFF;
                LOG.info("cloud {}: consuming Glance notifications ({} on exchange {}) from queue {} on {}", cloud,
                        settings.routingKey(), settings.exchange(), settings.queue(), BusConnections.describe(settings));
                safely(onConnected);
                while (!lost.await(1, TimeUnit.SECONDS)) {
                    if (closing.getCount() == 0) {
                        break;
                    }
                }
                if (closing.getCount() > 0) {
                    ShutdownSignalException why = c.getCloseReason();
                    lastProblem = "connection lost: " + (why == null ? "unknown" : why.getMessage());
                    LOG.warn("cloud {}: notifications lost ({}); polling until the broker is back", cloud, lastProblem);
                }
            } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
                lastProblem = describe(e);
                LOG.warn("cloud {}: cannot consume notifications from {}: {}; polling, next try in {}s", cloud,
                        BusConnections.describe(settings), lastProblem, backoff.toSeconds());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                connected = false;
                closeQuietly(connection);
                connection = null;
            }
            try {
                if (closing.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private void consume(Connection c) throws IOException {
        Channel channel = c.createChannel();
        declareExchange(c);
        channel.queueDeclare(settings.queue(), true, false, false, null);
        channel.queueBind(settings.queue(), settings.exchange(), settings.routingKey());
        channel.basicQos(prefetch);
        channel.basicConsume(settings.queue(), false, "glance-convert-" + cloud, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                deliver(channel, envelope.getDeliveryTag(), body);
            }
        });
    }

    /**
     * The exchange is Glance's: it is looked up passively first, so glance-convert needs no
     * configure permission on it and never disagrees with its attributes. Only when Glance has
     * not yet sent anything since the broker started is it declared, the way oslo.messaging does
     * (topic, not durable, not auto-deleted): an equal declaration by Glance later succeeds.
     */
    private void declareExchange(Connection c) throws IOException {
        Channel probe = c.createChannel();
        try {
            probe.exchangeDeclarePassive(settings.exchange());
            closeQuietly(probe);
        } catch (IOException notFound) {
            // A failed passive declare closes its channel; declare on a fresh one.
            try (Channel declare = c.createChannel()) {
                declare.exchangeDeclare(settings.exchange(), BuiltinExchangeType.TOPIC, false, false, null);
                LOG.info("cloud {}: exchange {} did not exist yet; declared it as oslo.messaging does (topic, not durable)",
                        cloud, settings.exchange());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException(e);
            }
        }
    }

    private void deliver(Channel channel, long tag, byte[] body) {
        Settlement settlement = new Settlement(() -> ack(channel, tag));
        GlanceNotification n;
        try {
            n = NotificationEnvelope.parse(body);
        } catch (NotificationEnvelope.MalformedNotificationException e) {
            LOG.warn("cloud {}: dropping an unreadable message from queue {} ({} bytes): {}", cloud, settings.queue(),
                    body == null ? 0 : body.length, e.getMessage());
            settlement.run();
            return;
        }
        if (!n.triggersProcessing()) {
            settlement.run();
            return;
        }
        LOG.debug("cloud {}: {} for image {}", cloud, n.eventType(), n.imageId());
        try {
            events.imageEvent(n.imageId(), n.eventType(), settlement);
        } catch (RuntimeException e) {
            LOG.error("cloud {}: handing image {} on failed; polling finds it", cloud, n.imageId(), e);
            settlement.run();
        }
    }

    private void ack(Channel channel, long tag) {
        try {
            synchronized (channel) {
                channel.basicAck(tag, false);
            }
        } catch (IOException | RuntimeException e) {
            // The channel is gone: the broker redelivers, and the claim in Glance makes that harmless.
            LOG.debug("cloud {}: ack of delivery {} failed: {}", cloud, tag, e.getMessage());
        }
    }

    @Override
    public void close() {
        closing.countDown();
        closeQuietly(connection);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("cloud {}: after connecting: {}", cloud, e.toString());
        }
    }

    /** Exception text without the transport URL (it may carry the password). */
    private static String describe(Exception e) {
        String m = e.getMessage();
        if (m == null && e.getCause() != null) {
            m = e.getCause().getMessage();
        }
        if (m == null) {
            m = e.getClass().getSimpleName();
        }
        return m.replaceAll("//[^/@\\s]*@", "//***@");
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            if (c instanceof Connection conn) {
                if (conn.isOpen()) {
                    conn.close(2_000);
                }
            } else {
                c.close();
            }
        } catch (Exception ignored) {
            // closing on the way out
        }
    }
}
