package org.glanceconvert.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.ImageQuery;
import org.glanceconvert.notify.Settlement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the candidates of one cloud by polling Glance v2 and hands them to the workers.
 *
 * <p>Each poll lists active images with {@code updated_at >= horizon - overlap}, visible and
 * hidden ({@code os_hidden=true} is a separate listing in Glance), page by page with limit and
 * marker, sorted by {@code created_at,id}: a key that never changes, so a marker cannot move while
 * the poll pages (our own PATCHes bump {@code updated_at}, and with that as the sort key an image
 * patched between two pages would jump behind the marker and the images it passed would be
 * skipped). An image created earlier and activated later is listed: activation bumps
 * {@code updated_at}. Images recorded as failed are listed on their own each poll (their retry
 * is due by time, not by update). The horizon is persisted after every complete poll
 * ({@link PollWindow}).
 *
 * <p>Now and then the janitor lists our copies that are not done: a copy whose worker stopped
 * heartbeating (another replica, or this replica before a restart) is finished when verified,
 * else deleted and its original processed again.
 */
final class CloudPoller {
    private static final Logger LOG = LoggerFactory.getLogger(CloudPoller.class);
    private static final int PAGE_SIZE = 100;
    /** How long an image named by a notification may take to show as active. */
    private static final Duration ACTIVE_WAIT = Duration.ofSeconds(15);
    private static final java.util.Set<String> SETTLING = java.util.Set.of("queued", "saving", "importing");
    /** Marks an original in {@link #pending} while the janitor cleans up its copy. */
    private static final Instant JANITOR = Instant.EPOCH.minusSeconds(1);

    private final Services s;
    private final Cloud cloud;
    private final ImageProcessor processor;
    private final ExecutorService workers;
    private final PollWindow window;
    private final Duration janitorInterval;

    private Instant horizon;
    private Instant lastJanitor = Instant.EPOCH;
    /** Images queued or in progress, with the updated_at they were listed with. */
    private final Map<String, Instant> pending = new ConcurrentHashMap<>();
    /** Images to try again at the next poll (a transient failure): they hold the horizon back. */
    private final Map<String, Instant> held = new ConcurrentHashMap<>();
    private final Map<String, Integer> transientFailures = new ConcurrentHashMap<>();
    /** The updated_at each image had when it was last handled: an unchanged image is not handled twice. */
    private final Map<String, Instant> handled = new ConcurrentHashMap<>();

    CloudPoller(Services s, Cloud cloud, ImageProcessor processor, ExecutorService workers, Instant initialHorizon,
                Duration overlap) {
        this.s = s;
        this.cloud = cloud;
        this.processor = processor;
        this.workers = workers;
        this.window = new PollWindow(overlap);
        this.horizon = initialHorizon;
        this.janitorInterval = s.config.lease().dividedBy(2);
    }

    Instant horizon() {
        return horizon;
    }

    /** One poll; never throws (a failed poll is logged and the horizon stays). */
    void poll() {
        if (s.stopping) {
            return;
        }
        Instant started = s.clock.instant();
        Instant from = window.listFrom(horizon);
        java.util.Set<String> listed = new java.util.HashSet<>();
        try {
            List<GlanceImage> candidates = new ArrayList<>();
            ImageQuery recent = ImageQuery.all().status("active").visibility("all").updatedAtOrAfter(from)
                    .sort("created_at:asc,id:asc").pageSize(PAGE_SIZE);
            for (ImageQuery q : recent.visibleAndHidden()) {
                cloud.client().listAll(q).forEach(candidates::add);
            }
            if (!s.dryRun()) {
                ImageQuery failed = ImageQuery.all().status("active").visibility("all")
                        .property(Properties.STATE, ImageState.FAILED.value()).sort("created_at:asc,id:asc")
                        .pageSize(PAGE_SIZE);
                for (ImageQuery q : failed.visibleAndHidden()) {
                    cloud.client().listAll(q).forEach(candidates::add);
                }
            }
            for (GlanceImage image : candidates) {
                listed.add(image.id());
                consider(image);
            }
            if (!s.dryRun() && !started.isBefore(lastJanitor.plus(janitorInterval))) {
                janitor();
                lastJanitor = started;
            }
            s.metrics.polled(cloud.name(), s.clock.millis());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cloud {}: poll failed: {}", cloud.name(), Failures.describe(e));
            return;
        } catch (RuntimeException e) {
            LOG.error("cloud {}: poll failed", cloud.name(), e);
            return;
        }
        List<Instant> hold = new ArrayList<>(pending.values());
        hold.addAll(held.values());
        Instant next = window.advance(horizon, started, hold);
        if (!next.equals(horizon)) {
            horizon = next;
            try {
                cloud.horizon().save(next);
            } catch (IOException e) {
                LOG.warn("cloud {}: cannot save the poll horizon to {}: {}", cloud.name(), cloud.horizon().file(), e.getMessage());
            }
        }
        // Entries older than the next listing can never match again, unless listed for another
        // reason (failed images are listed whatever their age).
        Instant oldest = window.listFrom(horizon);
        handled.entrySet().removeIf(e -> !listed.contains(e.getKey()) && e.getValue().isBefore(oldest));
    }

    /**
     * The janitor on its own when polls are rare (notifications flow): a replica killed
     * mid-conversion must be taken over once its lease expires, not at the next safety poll.
     */
    void janitorIfDue() {
        if (s.stopping || s.dryRun()) {
            return;
        }
        Instant now = s.clock.instant();
        if (now.isBefore(lastJanitor.plus(janitorInterval))) {
            return;
        }
        try {
            janitor();
            lastJanitor = now;
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cloud {}: looking for abandoned copies failed: {}", cloud.name(), Failures.describe(e));
        } catch (RuntimeException e) {
            LOG.error("cloud {}: looking for abandoned copies failed", cloud.name(), e);
        }
    }

    /** Hands an image to the workers unless it is queued already or was handled as it is now. */
    void consider(GlanceImage image) {
        if (s.stopping) {
            return;
        }
        String id = image.id();
        Instant updated = image.updatedAt();
        if (pending.containsKey(id) || (updated != null && updated.equals(handled.get(id)))) {
            return;
        }
        pending.put(id, updated == null ? Instant.EPOCH : updated);
        try {
            workers.submit(() -> runProcess(id, updated, Settlement.none()));
        } catch (RejectedExecutionException e) {
            pending.remove(id); // shutting down
        }
    }

    /**
     * An image event from the bus: the image goes to the workers now, and the delivery is
     * settled once its decision or claim is recorded. An image already queued or in progress
     * here is settled at once: this replica records its decision. When stopping, the delivery is
     * left unsettled, and the broker hands it to another replica.
     */
    void notified(String id, Settlement settlement) {
        if (s.stopping) {
            return;
        }
        if (pending.putIfAbsent(id, s.clock.instant()) != null) {
            settlement.run();
            return;
        }
        handled.remove(id);
        try {
            workers.submit(() -> {
                awaitActive(id);
                runProcess(id, null, settlement);
            });
        } catch (RejectedExecutionException e) {
            pending.remove(id);
        }
    }

    /**
     * Glance sends {@code image.upload} (payload status active) before its database says active:
     * read then, the image is still {@code saving}, and would be left alone with no further event
     * to come if {@code image.activate} arrived meanwhile. So wait, briefly, for the status to settle.
     */
    private void awaitActive(String id) {
        long end = System.nanoTime() + ACTIVE_WAIT.toNanos();
        try {
            while (!s.stopping && System.nanoTime() < end) {
                GlanceImage image = cloud.client().get(id).orElse(null);
                if (image == null || !SETTLING.contains(image.status())) {
                    return;
                }
                Thread.sleep(250);
            }
        } catch (IOException e) {
            // processing reads the image again and reports
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runProcess(String id, Instant updated, Settlement settlement) {
        ImageProcessor.Result result = ImageProcessor.Result.of(ImageProcessor.Outcome.RETRY);
        try {
            if (s.stopping) {
                return;
            }
            result = processor.process(cloud, id, settlement);
        } finally {
            finished(id, updated, result);
        }
    }

    private void finished(String id, Instant updated, ImageProcessor.Result result) {
        ImageProcessor.Outcome outcome = result.outcome();
        if (outcome == ImageProcessor.Outcome.LATER) {
            held.remove(id);
        } else if (outcome == ImageProcessor.Outcome.DONE || s.stopping) {
            if (outcome == ImageProcessor.Outcome.DONE) {
                held.remove(id);
                transientFailures.remove(id);
                if (updated != null) {
                    handled.put(id, updated);
                }
            }
        } else {
            int n = transientFailures.merge(id, 1, Integer::sum);
            if (n >= s.retryGate.attempts()) {
                // Recorded as a failed attempt; the PATCH lists the image again, and the retry gate takes over.
                processor.giveUp(cloud, id, n, result.failure());
                held.remove(id);
                transientFailures.remove(id);
                if (updated != null) {
                    handled.put(id, updated);
                }
            } else {
                held.put(id, updated == null ? Instant.EPOCH : updated);
            }
        }
        pending.remove(id);
    }

    /** Our copies whose worker stopped: finish the verified ones, delete the rest and process their originals again. */
    private void janitor() throws IOException {
        List<GlanceImage> copies = new ArrayList<>();
        for (ImageState state : new ImageState[] {ImageState.CLAIMED, ImageState.CONVERTING, ImageState.VERIFIED}) {
            for (boolean hidden : new boolean[] {true, false}) {
                if (!hidden && state != ImageState.VERIFIED) {
                    continue; // a copy is revealed only once verified
                }
                ImageQuery q = ImageQuery.all().visibility("all").property(Properties.STATE, state.value())
                        .sort("created_at:asc,id:asc").pageSize(PAGE_SIZE);
                if (hidden) {
                    q.osHidden(true);
                }
                cloud.client().listAll(q).forEach(copies::add);
            }
        }
        Instant now = s.clock.instant();
        for (GlanceImage copy : copies) {
            if (!s.ids.isOurCopy(copy) || ClaimVerdict.isAlive(copy, now, s.config.lease(), s.self)) {
                continue;
            }
            String sourceId = copy.property(Properties.SOURCE_ID).orElseThrow();
            if (pending.putIfAbsent(sourceId, JANITOR) != null) {
                continue; // being worked on here
            }
            try {
                workers.submit(() -> {
                    try {
                        cleanUp(copy, sourceId);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("cloud {}: cleaning up copy {} failed: {}", cloud.name(), copy.id(), Failures.describe(e));
                    } finally {
                        pending.remove(sourceId, JANITOR);
                    }
                });
            } catch (RejectedExecutionException e) {
                pending.remove(sourceId, JANITOR);
            }
        }
    }

    private void cleanUp(GlanceImage listedCopy, String sourceId) throws IOException {
        GlanceImage copy = cloud.client().get(listedCopy.id()).orElse(null);
        if (copy == null || !s.ids.isOurCopy(copy) || ClaimVerdict.isAlive(copy, s.clock.instant(), s.config.lease(), s.self)) {
            return;
        }
        GlanceImage original = cloud.client().get(sourceId).orElse(null);
        if (original != null) {
            if (!Objects.equals(original.owner(), copy.owner())) {
                LOG.warn("SECURITY cloud {}: copy {} and its original {} have different owners; left alone", cloud.name(),
                        copy.id(), sourceId);
                return;
            }
            if (cloud.selector().plan(original).choice().skipReason() != null) {
                return; // another configured cloud's image (rules partition one Glance)
            }
        }
        ImageState state = ImageState.parse(copy.property(Properties.STATE).orElse(null)).orElse(null);
        if ((state == ImageState.VERIFIED || state == ImageState.DONE) && copy.isActive()) {
            LOG.info("cloud {}: copy {} of {} was verified but not finished by {}; finishing it", cloud.name(), copy.id(),
                    sourceId, copy.property(Properties.CLAIMANT).orElse("its worker"));
            processor.resume(cloud, original, copy, CopyIds.attemptOf(copy));
            return;
        }
        LOG.warn("cloud {}: copy {} of {} was abandoned by {} ({}); deleting it", cloud.name(), copy.id(), sourceId,
                copy.property(Properties.CLAIMANT).orElse("its worker"), state == null ? "no state" : state.value());
        cloud.client().delete(copy.id());
        if (original != null && original.isActive()) {
            pending.remove(sourceId, JANITOR);
            handled.remove(sourceId);
            consider(original);
        }
    }
}
