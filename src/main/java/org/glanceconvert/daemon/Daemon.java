package org.glanceconvert.daemon;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.glanceconvert.config.CloudSettings;
import org.glanceconvert.config.CloudsYaml;
import org.glanceconvert.config.ConfigException;
import org.glanceconvert.config.DaemonConfig;
import org.glanceconvert.config.NotificationSettings;
import org.glanceconvert.glance.ClientOptions;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.log.ConversionLog;
import org.glanceconvert.metrics.HealthServer;
import org.glanceconvert.metrics.Metrics;
import org.glanceconvert.metrics.ReadinessCheck;
import org.glanceconvert.notify.NotificationListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code glance-convert run}: polls every configured cloud, processes candidates on
 * {@code concurrency} workers, serves metrics and health, and stops gracefully.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /** How often a cloud with notifications checks whether a poll is due. */
    private static final Duration PACE_TICK = Duration.ofSeconds(2);

    private final DaemonConfig config;
    private final Services services;
    private final List<Cloud> clouds;
    private final Map<String, CloudPoller> pollers = new LinkedHashMap<>();
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService scheduler;
    private final ScheduledExecutorService beats;
    private final ExecutorService producers;
    private final List<ScheduledFuture<?>> schedules = new ArrayList<>();
    private final ConversionLog conversionLog;
    private final HealthServer health;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    /** Per cloud with notifications configured; filled when polling starts. */
    private final Map<String, NotificationListener> listeners;
    private boolean stopped;

    private Daemon(DaemonConfig config, Services services, List<Cloud> clouds, ThreadPoolExecutor workers,
                   ScheduledExecutorService scheduler, ScheduledExecutorService beats, ExecutorService producers,
                   ConversionLog conversionLog, HealthServer health, Map<String, NotificationListener> listeners) {
        this.config = config;
        this.listeners = listeners;
        this.services = services;
        this.clouds = clouds;
        this.workers = workers;
        this.scheduler = scheduler;
        this.beats = beats;
        this.producers = producers;
        this.conversionLog = conversionLog;
        this.health = health;
    }

    /**
     * Connects to every cloud (failing if any cannot be reached: the caller exits 2), prepares the
     * work directory and starts polling.
     *
     * @param replica this replica's name for claims, or null for the host name
     */
    public static Daemon start(DaemonConfig config, CloudsYaml cloudsYaml, String replica, Clock clock)
            throws IOException, ConfigException {
        Claimant self = Claimant.forThisProcess(replica);
        WorkDir workDir = new WorkDir(config.workDir(), config.workDirMinFree());
        List<GlanceClient> opened = new ArrayList<>();
        List<Cloud> clouds = new ArrayList<>();
        ConversionLog log = null;
        ExecutorService producers = null;
        ScheduledExecutorService scheduler = null;
        ScheduledExecutorService beats = null;
        ThreadPoolExecutor workers = null;
        HealthServer health = null;
        Map<String, NotificationListener> listeners = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            log = ConversionLog.open(config.conversionLog());
            for (CloudSettings settings : config.clouds()) {
                workDir.prepare(settings.name());
                GlanceClient client = GlanceClient.connect(cloudsYaml.entry(settings.cloud()), ClientOptions.defaults());
                opened.add(client);
                DryRunMemory memory = config.dryRun()
                        ? DryRunMemory.open(workDir.stateDir(settings.name()).resolve("dry-run-decisions.jsonl")) : null;
                HorizonStore horizon = new HorizonStore(workDir.stateDir(settings.name())
                        .resolve(config.dryRun() ? "horizon-dry-run" : "horizon"));
                clouds.add(new Cloud(settings, client, new TargetSelector(settings), memory, horizon));
            }
            Metrics metrics = new Metrics().withJvmMetrics();
            producers = Executors.newCachedThreadPool(named("convert-stream", true));
            scheduler = Executors.newScheduledThreadPool(clouds.size(), named("poll", true));
            // Heartbeats have threads of their own: a long poll must not let claims go stale.
            beats = Executors.newScheduledThreadPool(2, named("heartbeat", true));
            workers = new ThreadPoolExecutor(config.concurrency(), config.concurrency(), 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(), named("worker", false));
            Heartbeats heartbeats = new Heartbeats(beats, clock, config.lease());
            Services services = new Services(config, self, clock, metrics, log, producers, heartbeats);
            if (config.metrics().enabled()) {
                health = HealthServer.start(config.metrics().bind(), config.metrics().port(), metrics,
                        readiness(clouds, workDir, listeners), notificationChecks(clouds, listeners));
            }
            Daemon daemon = new Daemon(config, services, clouds, workers, scheduler, beats, producers, log, health, listeners);
            daemon.startPolling(clock);
            LOG.info("glance-convert {} running{} as {}: clouds {}, work_dir {}, concurrency {}, poll every {}s{}",
                    org.glanceconvert.GlanceConvert.version(), config.dryRun() ? " (DRY RUN: nothing in Glance changes)" : "",
                    self, clouds.stream().map(Cloud::name).toList(), config.workDir(), config.concurrency(),
                    config.pollInterval().toSeconds(), health == null ? "" : ", metrics on " + config.metrics().bind() + ":" + health.port());
            return daemon;
        } catch (IOException | ConfigException | RuntimeException e) {
            opened.forEach(GlanceClient::close);
            if (health != null) {
                health.close();
            }
            shutdownQuietly(workers);
            shutdownQuietly(scheduler);
            shutdownQuietly(beats);
            shutdownQuietly(producers);
            if (log != null) {
                log.close();
            }
            throw e;
        }
    }

    private void startPolling(Clock clock) {
        ImageProcessor processor = new ImageProcessor(services);
        for (Cloud cloud : clouds) {
            Instant start = cloud.horizon().load().orElseGet(() -> {
                Instant configured = config.startFrom();
                Instant h = configured != null ? configured : clock.instant();
                LOG.info("cloud {}: no saved horizon; starting from {}", cloud.name(),
                        configured == null ? "now (" + h + ")" : h.equals(Instant.EPOCH) ? "the whole catalog" : h);
                return h;
            });
            CloudPoller poller = new CloudPoller(services, cloud, processor, workers, start, config.pollOverlap());
            pollers.put(cloud.name(), poller);
            NotificationSettings bus = cloud.settings().notificationSettings().orElse(null);
            if (bus == null || config.dryRun()) {
                schedules.add(scheduler.scheduleWithFixedDelay(poller::poll, 0, config.pollInterval().toMillis(),
                        TimeUnit.MILLISECONDS));
                continue;
            }
            PollPace pace = new PollPace(config.pollInterval(), bus.safetyPollInterval());
            // Prefetch = concurrency: this replica holds no more unacked events than it can start,
            // the rest stay with the broker for the other replicas.
            NotificationListener listener = new NotificationListener(cloud.name(), bus, config.concurrency(),
                    (id, event, settlement) -> poller.notified(id, settlement), pace::pollSoon);
            listeners.put(cloud.name(), listener);
            services.metrics.notificationsConsuming(cloud.name(), listener::connected);
            long tick = Math.min(PACE_TICK.toMillis(), Math.min(config.pollInterval().toMillis(),
                    bus.safetyPollInterval().toMillis()));
            schedules.add(scheduler.scheduleWithFixedDelay(() -> {
                Instant now = clock.instant();
                if (pace.due(now, listener.connected())) {
                    pace.polled(now);
                    poller.poll();
                } else {
                    poller.janitorIfDue();
                }
            }, 0, tick, TimeUnit.MILLISECONDS));
            listener.start();
        }
    }

    /**
     * Each cloud's notification listener. A listener that does not consume (broker down, refused,
     * TLS) only degrades the daemon: it polls every {@code poll_interval} and keeps converting, so
     * it stays ready (a broker outage must not stall a rollout or take every replica out of
     * service); /readyz shows it as a warning, /healthz and /metrics tell its state.
     */
    private static List<ReadinessCheck> notificationChecks(List<Cloud> clouds, Map<String, NotificationListener> listeners) {
        List<ReadinessCheck> checks = new ArrayList<>();
        for (Cloud cloud : clouds) {
            if (cloud.settings().notificationSettings().isPresent()) {
                checks.add(() -> {
                    NotificationListener l = listeners.get(cloud.name());
                    String name = "notifications " + cloud.name();
                    if (l == null) {
                        return ReadinessCheck.Status.degraded(name, "not started: polling");
                    }
                    return l.connected() ? new ReadinessCheck.Status(name, true, l.status())
                            : ReadinessCheck.Status.degraded(name, l.status());
                });
            }
        }
        return checks;
    }

    private static List<ReadinessCheck> readiness(List<Cloud> clouds, WorkDir workDir,
                                                  Map<String, NotificationListener> listeners) {
        List<ReadinessCheck> checks = new ArrayList<>(notificationChecks(clouds, listeners));
        for (Cloud cloud : clouds) {
            checks.add(() -> {
                String name = "cloud " + cloud.name();
                try {
                    cloud.client().session().token();
                    cloud.client().list(org.glanceconvert.glance.ImageQuery.all().pageSize(1), null);
                    return new ReadinessCheck.Status(name, true, "Keystone token and Glance listing ok");
                } catch (IOException e) {
                    return new ReadinessCheck.Status(name, false, e.getMessage());
                }
            });
        }
        checks.add(() -> {
            try {
                java.nio.file.Files.createDirectories(workDir.root());
                java.nio.file.Path probe = java.nio.file.Files.createTempFile(workDir.root(), ".ready", ".tmp");
                java.nio.file.Files.delete(probe);
                long free = workDir.freeBytes();
                boolean ok = free >= workDir.minFree();
                return new ReadinessCheck.Status("work_dir", ok, workDir.root() + ": " + free + " bytes free, floor "
                        + workDir.minFree());
            } catch (IOException e) {
                return new ReadinessCheck.Status("work_dir", false, workDir.root() + " is not writable: " + e.getMessage());
            }
        });
        return checks;
    }

    /** Asks the daemon to stop (from a signal handler); {@link #awaitStopRequest} returns. */
    public void requestStop() {
        stopRequested.countDown();
    }

    public void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    /**
     * Stops polling, drops queued images, lets running ones finish for up to {@code grace}, then
     * interrupts what is left (their claims go stale and are taken over at the next start).
     */
    public synchronized void stop(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        stopRequested.countDown();
        LOG.info("stopping: no new images; waiting up to {}s for {} running", grace.toSeconds(), workers.getActiveCount());
        schedules.forEach(f -> f.cancel(false));
        // Unacknowledged deliveries go back to the queue, for the other replicas.
        listeners.values().forEach(NotificationListener::close);
        int dropped = workers.getQueue().size();
        workers.getQueue().clear();
        if (dropped > 0) {
            LOG.info("{} queued images left for the next start", dropped);
        }
        workers.shutdown();
        boolean finished;
        try {
            finished = workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        services.stopping = true;
        if (!finished) {
            LOG.warn("shutdown grace over: interrupting {} running images; they are resumed at the next start",
                    workers.getActiveCount());
            workers.shutdownNow();
            try {
                workers.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        scheduler.shutdownNow();
        beats.shutdownNow();
        producers.shutdownNow();
        if (health != null) {
            health.close();
        }
        clouds.forEach(c -> {
            c.client().close();
            if (c.dryRunMemory() != null) {
                try {
                    c.dryRunMemory().close();
                } catch (IOException e) {
                    LOG.warn("closing the dry-run memory of {}: {}", c.name(), e.getMessage());
                }
            }
        });
        try {
            conversionLog.close();
        } catch (IOException e) {
            LOG.warn("closing the conversion log: {}", e.getMessage());
        }
        LOG.info("stopped");
    }

    @Override
    public void close() {
        stop(config.shutdownGrace());
    }

    public Metrics metrics() {
        return services.metrics;
    }

    /** The port of the metrics/health endpoint, or -1 when disabled. */
    public int healthPort() {
        return health == null ? -1 : health.port();
    }

    /** Whether a cloud's notifications are being consumed (tests, diagnostics). */
    public boolean notificationsFlow(String cloud) {
        NotificationListener l = listeners.get(cloud);
        return l != null && l.connected();
    }

    /** A cloud's current poll horizon (tests, diagnostics). */
    public Instant horizon(String cloud) {
        return pollers.get(cloud).horizon();
    }

    private static ThreadFactory named(String prefix, boolean daemon) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(daemon);
            return t;
        };
    }

    private static void shutdownQuietly(ExecutorService e) {
        if (e != null) {
            e.shutdownNow();
        }
    }
}
