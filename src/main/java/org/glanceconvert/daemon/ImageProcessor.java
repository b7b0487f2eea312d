package org.glanceconvert.daemon;

import java.io.IOException;
import java.util.Optional;
import org.glanceconvert.config.OnUnsafe;
import org.glanceconvert.config.OriginalPolicy;
import org.glanceconvert.content.ContentDigest;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.JsonPatch;
import org.glanceconvert.glance.RetryPolicy;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.log.Action;
import org.glanceconvert.notify.Settlement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one image from "listed" to "decided": pre-download checks, inspection by range reads,
 * the decision table, and then the action. Nothing here changes Glance in a dry run. Relabels
 * and conversions continue in {@link Transformation}.
 */
final class ImageProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ImageProcessor.class);

    /**
     * What the poller does with the image next: nothing until it changes ({@code DONE}); look
     * again at the next poll without holding the horizon ({@code LATER}: a failed image waiting
     * for its backoff, listed with the failed images every poll); try again at the next poll and
     * hold the horizon meanwhile ({@code RETRY}: a transient failure).
     */
    enum Outcome { DONE, LATER, RETRY }

    /** An outcome, and for {@code RETRY} why the image could not be processed this time (null when unknown). */
    record Result(Outcome outcome, String failure) {
        static Result of(Outcome outcome) {
            return new Result(outcome, null);
        }

        static Result retry(String failure) {
            return new Result(Outcome.RETRY, failure);
        }
    }

    private final Services s;
    private final ImageAssessor assessor;

    ImageProcessor(Services services) {
        this.s = services;
        this.assessor = new ImageAssessor(services.ids, services.limits, services.workDir);
    }

    /**
     * Processes one image; {@code recorded} runs as soon as its decision or claim is in Glance
     * (a notification is acknowledged then), and at the latest when this returns.
     */
    Result process(Cloud cloud, String imageId, Settlement recorded) {
        try {
            return processImage(cloud, imageId, recorded);
        } catch (IOException e) {
            String why = Failures.describe(e);
            LOG.warn("cloud {}: image {}: {} (tried again at the next poll)", cloud.name(), imageId, why);
            return Result.retry(why);
        } catch (RuntimeException e) {
            LOG.error("cloud {}: image {}: unexpected error (tried again at the next poll)", cloud.name(), imageId, e);
            return Result.retry("unexpected error: " + Failures.describe(e));
        } finally {
            recorded.run();
        }
    }

    private Result processImage(Cloud cloud, String imageId, Settlement decided) throws IOException {
        GlanceClient client = cloud.client();
        GlanceImage image = client.get(imageId).orElse(null);
        if (image == null) {
            return Result.of(Outcome.DONE);
        }
        return processImage(cloud, image, decided);
    }

    private Result processImage(Cloud cloud, GlanceImage image, Settlement decided) throws IOException {
        GlanceClient client = cloud.client();
        ImageFacts facts = facts(cloud, image);
        Optional<Decision> early = assessor.before(facts);
        if (early.isPresent()) {
            noteEarlySkip(cloud, image, early.get().reason());
            return Result.of(Outcome.DONE);
        }
        ImageState state = ImageState.parse(image.property(Properties.STATE).orElse(null)).orElse(null);
        int recorded = CopyIds.attemptOf(image);
        if (state == ImageState.FAILED && !s.dryRun()) {
            switch (s.retryGate.judge(recorded, image.updatedAt(), s.clock.instant())) {
                case GIVE_UP -> {
                    if (s.once.first(image.id() + "|gave-up|" + image.updatedAt())) {
                        LOG.info("cloud {}: image {} stays failed after {} attempts: {}", cloud.name(), image.id(), recorded,
                                image.property(Properties.REASON).orElse("no reason recorded"));
                    }
                    return Result.of(Outcome.DONE);
                }
                case LATER -> {
                    return Result.of(Outcome.LATER); // the listing of failed images brings it back when its backoff is over
                }
                case NOW -> LOG.info("cloud {}: image {}: trying again after failed attempt {}", cloud.name(), image.id(), recorded);
            }
        }
        TargetSelector.Plan plan = cloud.selector().plan(image);
        if (plan.choice().skipReason() != null) {
            noteRuleSkip(cloud, image, plan.choice().skipReason());
            return Result.of(Outcome.DONE);
        }
        if (s.dryRun() && cloud.dryRunMemory().known(image)) {
            return Result.of(Outcome.DONE);
        }

        s.metrics.seen(cloud.name());
        RecordDraft draft = new RecordDraft(cloud.name(), image, s.dryRun());
        try (java.io.Closeable ignored = s.inFlight();
             ImageBytes bytes = assessor.open(client, image, cloud.name())) {
            InspectionReport report = assessor.inspect(bytes, image);
            draft.inspected(report).bytesIn(bytes.bytesIn());
            if (bytes.staged()) {
                draft.durations(bytes.downloadMillis(), null, null);
            }
            Decision decision = assessor.after(facts, report, plan.choice());
            draft.decided(decision);
            if (s.dryRun()) {
                draft.result("dry run: would " + decision.action().id());
                s.record(draft);
                cloud.dryRunMemory().remember(image, decision.action().id());
                return Result.of(Outcome.DONE);
            }
            switch (decision.action()) {
                case REJECT -> reject(cloud, image, report, decision, draft);
                case OK -> {
                    Marks.mark(client, image.id(), ImageState.OK, decision.reason(), report.format());
                    s.record(draft.result("recorded"));
                }
                case SKIP -> {
                    Marks.mark(client, image.id(), ImageState.SKIPPED, decision.reason(), report.format());
                    s.record(draft.result("recorded"));
                }
                case FAIL -> {
                    Marks.failed(client, image.id(), recorded + 1, decision.reason());
                    s.record(draft.result("failed"));
                }
                case RELABEL, CONVERT -> {
                    Transformation work = new Transformation(s, this, cloud, image, report, decision, plan, bytes, draft);
                    Outcome outcome = work.run(state, decided);
                    return new Result(outcome, work.failure());
                }
            }
            return Result.of(Outcome.DONE);
        } catch (WorkDir.WorkDirFullException e) {
            s.record(draft.failed(e.getMessage()));
            return Result.retry(e.getMessage());
        }
    }

    /**
     * The poller's last word on an image that could not be processed in {@code tries} polls in a
     * row (its bytes could not be read, Glance failed, the work directory stayed full): recorded
     * as a failed attempt exactly as a failed conversion is — {@code state=failed}, the attempt,
     * the reason, one {@code fail} record — so {@code retry}'s backoff and limit apply from then
     * on. Only properties are written: the original's data, status and visibility are untouched.
     */
    void giveUp(Cloud cloud, String imageId, int tries, String lastFailure) {
        GlanceClient client = cloud.client();
        GlanceImage image;
        try {
            image = client.get(imageId).orElse(null);
        } catch (IOException e) {
            LOG.warn("cloud {}: image {}: {} tries failed and the failure cannot be recorded ({}); left until it changes",
                    cloud.name(), imageId, tries, Failures.describe(e));
            return;
        }
        if (image == null || assessor.before(assessor.facts(image)).isPresent()) {
            return; // gone, decided meanwhile (another replica), or no longer a candidate
        }
        ImageState state = ImageState.parse(image.property(Properties.STATE).orElse(null)).orElse(null);
        int recorded = CopyIds.attemptOf(image);
        int attempt = state == ImageState.FAILED ? recorded + 1 : Math.max(1, recorded);
        String why = "gave up after " + tries + " tries in a row, each at a poll: "
                + (lastFailure == null ? "see the daemon's log" : lastFailure);
        LOG.warn("cloud {}: image {}: attempt {} failed: {}", cloud.name(), imageId, attempt, why);
        RecordDraft draft = new RecordDraft(cloud.name(), image, s.dryRun()).failed(why);
        if (s.dryRun()) {
            s.record(draft.result("dry run: would fail"));
            return;
        }
        try {
            Marks.failed(client, imageId, attempt, why);
        } catch (IOException e) {
            LOG.warn("cloud {}: image {}: the failure could not be recorded ({})", cloud.name(), imageId, Failures.describe(e));
            draft.result("failed; not recorded in Glance: " + Failures.describe(e));
        }
        s.record(draft);
    }

    /**
     * Finishes a verified copy whose worker is gone: it is read back again and compared with the
     * original (nothing written by a dead process is trusted), then the finishing steps run.
     *
     * @param original the original, or null when it no longer exists
     */
    Outcome resume(Cloud cloud, GlanceImage original, GlanceImage copy, int attempt) throws IOException {
        GlanceClient client = cloud.client();
        String target = copy.diskFormat();
        GlanceImage subject = original != null ? original : copy;
        RecordDraft draft = new RecordDraft(cloud.name(), subject, false);
        draft.action(Action.CONVERT).newImage(copy.id());
        try (Heartbeats.Beat beat = s.heartbeats.start(client, copy.id())) {
            beat.patch(JsonPatch.create().set(Properties.CLAIMANT, s.self.toString())
                    .set(Properties.HEARTBEAT, Long.toString(s.clock.instant().getEpochSecond())));
            Finisher finisher = new Finisher(client, cloud.settings());
            if (original == null) {
                if (cloud.settings().original() == OriginalPolicy.DELETE) {
                    finisher.finish(null, copy, null, attempt, null, beat);
                    LOG.info("cloud {}: copy {} finished; its original was deleted by the policy", cloud.name(), copy.id());
                    return Outcome.DONE;
                }
                LOG.warn("cloud {}: the original {} of copy {} was deleted while it was converted; removing the copy",
                        cloud.name(), copy.property(Properties.SOURCE_ID).orElse("?"), copy.id());
                client.delete(copy.id());
                return Outcome.DONE;
            }
            try (ImageBytes bytes = assessor.open(client, original, cloud.name())) {
                InspectionReport report = assessor.inspect(bytes, original);
                draft.inspected(report);
                if (!report.safe()) {
                    throw new CopyVerifier.VerificationException("the original reads as unsafe now");
                }
                DiskFormat reader = DiskFormats.byName(report.format()).orElseThrow(() ->
                        new CopyVerifier.VerificationException("no reader for " + report.format()));
                String digest;
                long virtualSize;
                try (VirtualDisk disk = reader.open(bytes.source(), s.limits)) {
                    digest = ContentDigest.of(disk);
                    virtualSize = disk.size();
                }
                CopyVerifier.Verified v = new CopyVerifier(client, s.workDir, cloud.name(), s.limits)
                        .readBack(copy, target, virtualSize, digest);
                beat.check();
                boolean sameBytes = copy.osHashValue() != null && copy.osHashValue().equalsIgnoreCase(original.osHashValue());
                if (sameBytes) {
                    draft.action(Action.RELABEL);
                }
                var provenance = new CopyMetadata.Provenance(target, sameBytes, report.format(), v.digest(),
                        v.vmwareDiskType(), v.vmwareAdapterType());
                String note = finisher.finish(original, copy, provenance, attempt, "finished after a restart", beat);
                s.record(draft.result("done (resumed)" + (note == null ? "" : "; " + note)).reason("verified copy finished after its worker stopped"));
                return Outcome.DONE;
            }
        } catch (Heartbeats.ClaimLostException e) {
            s.record(draft.failed(e.getMessage()));
            return Outcome.DONE;
        } catch (IOException e) {
            if (!(e instanceof CopyVerifier.VerificationException) && RetryPolicy.isTransient(e)) {
                throw e; // Glance unwell: the next poll (or janitor round) tries again
            }
            // Not finishable as it is (fails verification, or Glance refuses a step): start over.
            String why = Failures.describe(e);
            LOG.warn("cloud {}: copy {} cannot be finished ({}); deleting it", cloud.name(), copy.id(), why);
            client.delete(copy.id());
            if (original != null) {
                Marks.failed(client, original.id(), attempt, why);
            }
            s.record(draft.failed(why));
            return Outcome.DONE;
        }
    }

    /** Unsafe: tagged (and deactivated when configured) before the decision is recorded, never deleted. */
    private void reject(Cloud cloud, GlanceImage image, InspectionReport report, Decision decision, RecordDraft draft)
            throws IOException {
        GlanceClient client = cloud.client();
        LOG.warn("cloud {}: image {} ({}, owner {}) rejected: {}", cloud.name(), image.id(), image.name(), image.owner(),
                decision.reason());
        client.addTag(image.id(), CopyMetadata.UNSAFE_TAG);
        boolean deactivate = cloud.settings().onUnsafe() == OnUnsafe.DEACTIVATE;
        if (deactivate && image.isActive()) {
            client.deactivate(image.id());
        }
        Marks.mark(client, image.id(), ImageState.REJECTED, decision.reason(), report.format());
        s.record(draft.result(deactivate ? "rejected, deactivated" : "rejected, tagged " + CopyMetadata.UNSAFE_TAG));
    }

    /** The image's facts for the decision table; a forged {@code glance_convert_source_id} is ignored (and said once). */
    ImageFacts facts(Cloud cloud, GlanceImage image) {
        if (assessor.forgedSource(image) && s.once.first(image.id() + "|forged-source")) {
            LOG.warn("cloud {}: image {} carries {} but is not a copy glance-convert made; inspecting it like any image",
                    cloud.name(), image.id(), Properties.SOURCE_ID);
        }
        return assessor.facts(image);
    }

    /** Pre-download skips are logged once per process and not written to Glance. */
    private void noteEarlySkip(Cloud cloud, GlanceImage image, String reason) {
        if (!s.once.first(image.id() + "|" + reason)) {
            return;
        }
        if (reason.startsWith("created by glance-convert") || reason.startsWith("already decided")) {
            LOG.debug("cloud {}: image {}: {}", cloud.name(), image.id(), reason);
            return;
        }
        s.record(new RecordDraft(cloud.name(), image, s.dryRun()).action(Action.SKIP).result("left alone").reason(reason));
    }

    private void noteRuleSkip(Cloud cloud, GlanceImage image, String reason) {
        if (s.once.first(image.id() + "|" + reason)) {
            s.record(new RecordDraft(cloud.name(), image, s.dryRun()).action(Action.SKIP).result("left alone").reason(reason));
        }
    }

    static String label(GlanceImage image) {
        return "image " + image.id();
    }
}
