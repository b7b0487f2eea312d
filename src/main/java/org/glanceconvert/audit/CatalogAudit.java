package org.glanceconvert.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.glanceconvert.config.CloudSettings;
import org.glanceconvert.daemon.Decision;
import org.glanceconvert.daemon.ImageAssessor;
import org.glanceconvert.daemon.ImageBytes;
import org.glanceconvert.daemon.ImageFacts;
import org.glanceconvert.daemon.TargetSelector;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.GlanceException;
import org.glanceconvert.glance.ImageQuery;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.log.Action;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code glance-convert audit}: one pass over the existing catalog of each cloud (every image,
 * hidden ones too, any status), each inspected the way the daemon inspects it and decided by the
 * daemon's decision table, without changing anything in Glance: it only lists, GETs and reads.
 */
public final class CatalogAudit {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogAudit.class);
    /** One configured cloud and its client. */
    public record AuditedCloud(CloudSettings settings, GlanceClient client) {
    }

    /** The report: one entry per image, in listing order, and the totals. */
    public record Result(List<AuditEntry> entries, AuditSummary summary) {
    }

    private final ImageAssessor assessor;
    private final int concurrency;

    /** @param concurrency images inspected at once (the daemon's {@code concurrency}) */
    public CatalogAudit(ImageAssessor assessor, int concurrency) {
        this.assessor = assessor;
        this.concurrency = Math.max(1, concurrency);
    }

    /**
     * Audits the clouds. Listing errors propagate (the caller exits 2); an image that cannot be
     * read is reported with action {@code fail} and the audit goes on.
     *
     * @param since only images created or updated at or after this instant (null: all)
     * @param limit at most this many images over all clouds (null: all)
     */
    public Result run(List<AuditedCloud> clouds, Instant since, Integer limit, Progress progress) throws IOException {
        List<Candidate> candidates = new ArrayList<>();
        for (AuditedCloud c : clouds) {
            for (GlanceImage image : list(c.client(), since)) {
                candidates.add(new Candidate(c, image));
            }
        }
        if (limit != null && candidates.size() > limit) {
            candidates = candidates.subList(0, limit);
        }
        List<AuditEntry> entries = new ArrayList<>(candidates.size());
        AuditSummary summary = new AuditSummary();
        int total = candidates.size();
        progress.start();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "audit");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<AuditEntry>> pending = new ArrayList<>(total);
            for (Candidate c : candidates) {
                pending.add(pool.submit(() -> assessOrFail(c.cloud().settings(), c.cloud().client(), c.image())));
            }
            // Collected in listing order, so the report does not depend on timing.
            for (Future<AuditEntry> f : pending) {
                AuditEntry e = await(f);
                entries.add(e);
                summary.add(e);
                progress.update(entries.size(), total);
            }
        } finally {
            pool.shutdownNow();
        }
        progress.finish(entries.size(), total);
        return new Result(entries, summary);
    }

    private static AuditEntry await(Future<AuditEntry> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("audit interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private record Candidate(AuditedCloud cloud, GlanceImage image) {
    }

    /**
     * Every image of the catalog the credentials can see: {@code visibility=all}, any status, and a
     * second listing with {@code os_hidden=true} (Glance leaves hidden images out otherwise).
     * {@code updated_at} is never before {@code created_at}, so one filter on it keeps every image
     * created or updated since {@code since}.
     */
    public static List<GlanceImage> list(GlanceClient client, Instant since) throws IOException {
        List<GlanceImage> out = new ArrayList<>();
        ImageQuery catalog = ImageQuery.all().visibility("all").sort("created_at:asc,id:asc");
        if (since != null) {
            catalog.updatedAtOrAfter(since);
        }
        for (ImageQuery q : catalog.visibleAndHidden()) {
            try {
                client.listAll(q).forEach(out::add);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        // Hidden and visible images interleaved by age, so --limit keeps the oldest of both.
        out.sort(java.util.Comparator.comparing(GlanceImage::createdAt, java.util.Comparator.nullsLast(
                java.util.Comparator.naturalOrder())).thenComparing(GlanceImage::id));
        return out;
    }

    /** A bug met on one image is that image's {@code fail}, logged with its trace; the audit goes on. */
    private AuditEntry assessOrFail(CloudSettings cloud, GlanceClient client, GlanceImage image) {
        try {
            return assess(cloud, client, image);
        } catch (RuntimeException e) {
            LOG.error("cloud {}: image {}: unexpected error", cloud.name(), image.id(), e);
            return new AuditEntry(cloud.name(), image.id(), image.name(), image.owner(), image.status(), image.isHidden(),
                    image.diskFormat(), null, null, null, image.size(), null, null, Action.FAIL, null,
                    "internal error: " + e, ReadPath.NONE, 0, null);
        }
    }

    /** One image: the daemon's facts, rules, inspection and decision; nothing written. */
    public AuditEntry assess(CloudSettings cloud, GlanceClient client, GlanceImage image) {
        ImageFacts facts = assessor.facts(image);
        Optional<Decision> early = assessor.before(facts);
        TargetSelector.Plan plan = new TargetSelector(cloud).plan(image);
        Decision decision = early.orElse(null);
        if (decision == null && plan.choice().skipReason() != null) {
            decision = new Decision(Action.SKIP, null, plan.choice().skipReason(), null);
        }
        InspectionReport report = null;
        ReadPath read = ReadPath.NONE;
        long bytesRead = 0;
        if (hasDiskData(facts)) {
            try (ImageBytes bytes = assessor.open(client, image, cloud.name())) {
                read = bytes.staged() ? ReadPath.STREAM : ReadPath.RANGE;
                report = assessor.inspect(bytes, image);
                bytesRead = bytes.bytesIn();
            } catch (IOException e) {
                if (decision == null) {
                    decision = new Decision(Action.FAIL, null, "cannot read the image: " + describe(e), null);
                }
                report = null;
            }
        }
        if (decision == null) {
            decision = assessor.after(facts, report, plan.choice());
        }
        String real = report == null ? null : report.format();
        String sub = report == null ? null : report.subformat();
        Long virtualSize = report == null ? null : report.virtualSize();
        List<String> checks = report == null ? List.of()
                : report.problems().stream().map(f -> f.check()).distinct().toList();
        return new AuditEntry(cloud.name(), image.id(), image.name(), image.owner(), image.status(), image.isHidden(),
                image.diskFormat(), real, sub, virtualSize, image.size(), report == null ? null : report.safe(), checks,
                decision.action(), decision.targetFormat(), decision.reason(), read, bytesRead,
                SizeEstimate.of(decision.action(), decision.targetFormat(), real, sub, virtualSize, image.size()));
    }

    /**
     * True when the image holds disk data worth reading: active, not empty, not Cinder ciphertext.
     * Images the daemon would skip for other reasons (already decided, its own copies, rule skips)
     * are still inspected: the audit reports what the whole catalog is.
     */
    static boolean hasDiskData(ImageFacts facts) {
        return "active".equals(facts.status()) && facts.size() != null && facts.size() > 0
                && facts.property("cinder_encryption_key_id") == null && facts.property("block_device_mapping") == null;
    }

    private static String describe(IOException e) {
        if (e instanceof GlanceException) {
            return e.getMessage();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
