package org.glanceconvert.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.glanceconvert.config.OutputSettings;
import org.glanceconvert.content.ContentDigest;
import org.glanceconvert.convert.ConversionResult;
import org.glanceconvert.convert.ImageConverter;
import org.glanceconvert.convert.LoggedProgress;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormatWriter;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.ImageConflictException;
import org.glanceconvert.glance.JsonPatch;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.image.ZeroMap;
import org.glanceconvert.image.ZeroMappedDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.log.Action;
import org.glanceconvert.notify.Settlement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relabel or a conversion of one image under a claim (docs/contracts.md, "Claim protocol"):
 * claim a copy id, put the data into the copy, verify it, and only then finish (metadata,
 * original policy, states). Any failure deletes the copy and records {@code failed} on the
 * original, which is untouched otherwise.
 */
final class Transformation {
    private static final Logger LOG = LoggerFactory.getLogger(Transformation.class);
    private static final int PROGRESS_LOG_SECONDS = 30;

    private final Services s;
    private final ImageProcessor processor;
    private final Cloud cloud;
    private final GlanceClient client;
    private final GlanceImage image;
    private final InspectionReport report;
    private final Decision decision;
    private final TargetSelector.Plan plan;
    private final ImageBytes bytes;
    private final RecordDraft draft;
    private final String target;
    private String failure;

    Transformation(Services s, ImageProcessor processor, Cloud cloud, GlanceImage image, InspectionReport report,
                   Decision decision, TargetSelector.Plan plan, ImageBytes bytes, RecordDraft draft) {
        this.s = s;
        this.processor = processor;
        this.cloud = cloud;
        this.client = cloud.client();
        this.image = image;
        this.report = report;
        this.decision = decision;
        this.plan = plan;
        this.bytes = bytes;
        this.draft = draft;
        this.target = decision.targetFormat();
    }

    /**
     * Why the last {@link #run} did not finish the work, or null: what the poller's give-up
     * record says when that run ends in RETRY (its failure could not be recorded in Glance).
     */
    String failure() {
        return failure;
    }

    ImageProcessor.Outcome run(ImageState state, Settlement claimed) throws IOException {
        int recorded = CopyIds.attemptOf(image);
        int attempt = state == ImageState.FAILED ? recorded + 1 : Math.max(1, recorded);
        GlanceImage copy = null;
        int maxTries = s.retryGate.attempts() + 8;
        for (int tries = 0; copy == null; tries++) {
            if (tries >= maxTries) {
                String why = "no free copy id after " + tries + " tries (attempt " + attempt + ")";
                Marks.failed(client, image.id(), attempt, why);
                s.record(draft.failed(why));
                return ImageProcessor.Outcome.DONE;
            }
            String copyId = s.ids.idFor(image.id(), target, attempt);
            try {
                copy = client.create(CopyMetadata.claim(image, copyId, target, attempt, s.self, s.clock.instant()));
            } catch (ImageConflictException e) {
                GlanceImage existing = client.get(copyId).orElse(null);
                switch (ClaimVerdict.judge(existing, image, s.ids, s.clock.instant(), s.config.lease(), s.self)) {
                    case GONE -> attempt++;
                    case COLLISION -> {
                        String why = "copy id " + copyId + " (attempt " + attempt + ") is taken by an image owned by "
                                + existing.owner() + " with " + Properties.SOURCE_ID + "="
                                + existing.property(Properties.SOURCE_ID).orElse("(none)")
                                + ": a collision or an attack on the claim protocol; nothing was touched";
                        LOG.error("SECURITY cloud {}: image {}: {}", cloud.name(), image.id(), why);
                        s.record(draft.failed(why));
                        return ImageProcessor.Outcome.DONE;
                    }
                    case HELD -> {
                        LOG.info("cloud {}: image {}: copy {} is being worked on by {}", cloud.name(), image.id(), copyId,
                                existing.property(Properties.CLAIMANT).orElse("another worker"));
                        return ImageProcessor.Outcome.DONE;
                    }
                    case STALE -> {
                        String claimant = existing.property(Properties.CLAIMANT).orElse("an unknown worker");
                        LOG.warn("cloud {}: image {}: copy {} was abandoned by {} ({}); deleting it", cloud.name(), image.id(),
                                copyId, claimant, existing.property(Properties.STATE).orElse("no state"));
                        client.delete(copyId);
                        if (attempt >= s.retryGate.attempts()) {
                            String why = "gave up after " + attempt + " attempts; the last was abandoned by " + claimant;
                            Marks.failed(client, image.id(), attempt, why);
                            s.record(draft.failed(why));
                            return ImageProcessor.Outcome.DONE;
                        }
                        attempt++;
                    }
                    case FINISH -> {
                        LOG.info("cloud {}: image {}: copy {} is verified; finishing what its worker left", cloud.name(),
                                image.id(), copyId);
                        return processor.resume(cloud, image, existing, attempt);
                    }
                }
            }
        }
        if (attempt != recorded || state == ImageState.FAILED) {
            // One PATCH: another replica that reads the original now sees the attempt in use and not
            // "failed" (which would make it start attempt+1 beside this one); it gets 409 on this id.
            JsonPatch p = JsonPatch.create().set(Properties.ATTEMPT, Integer.toString(attempt));
            if (state == ImageState.FAILED) {
                p.set(Properties.STATE, ImageState.PENDING.value());
            }
            client.patch(image.id(), p);
        }
        claimed.run(); // the claim is in Glance: any replica that looks now backs off
        LOG.info("cloud {}: image {} ({}): {} to {} as copy {} (attempt {})", cloud.name(), image.id(), image.name(),
                decision.action().id(), target, copy.id(), attempt);
        try (Heartbeats.Beat beat = s.heartbeats.start(client, copy.id())) {
            return work(copy, attempt, beat);
        } catch (Heartbeats.ClaimLostException e) {
            LOG.warn("cloud {}: image {}: {}", cloud.name(), image.id(), e.getMessage());
            s.record(draft.failed(e.getMessage() + "; the original is left to that worker"));
            return ImageProcessor.Outcome.DONE;
        } catch (IOException | RuntimeException e) {
            String why = Failures.describe(e);
            failure = why;
            if (s.stopping) {
                // Cut short by shutdown: not a failure of the image. The copy goes; the next start redoes it.
                LOG.info("cloud {}: image {}: {} stopped by shutdown ({}); the next start resumes it", cloud.name(),
                        image.id(), decision.action().id(), why);
                boolean interrupted = Thread.interrupted();
                try {
                    client.delete(copy.id());
                } catch (IOException e2) {
                    LOG.info("cloud {}: copy {} is left to go stale: {}", cloud.name(), copy.id(), e2.getMessage());
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return ImageProcessor.Outcome.RETRY;
            }
            LOG.warn("cloud {}: image {}: {} failed (attempt {}): {}", cloud.name(), image.id(), decision.action().id(),
                    attempt, why, LOG.isDebugEnabled() ? e : null);
            boolean recordedFailure = true;
            try {
                client.delete(copy.id());
            } catch (IOException e2) {
                LOG.warn("cloud {}: copy {} could not be deleted ({}); it goes stale and is cleaned up later", cloud.name(),
                        copy.id(), e2.getMessage());
            }
            try {
                Marks.failed(client, image.id(), attempt, why);
            } catch (IOException e2) {
                recordedFailure = false;
                LOG.warn("cloud {}: image {}: the failure could not be recorded ({})", cloud.name(), image.id(), e2.getMessage());
            }
            s.record(draft.failed(why).newImage(null));
            return recordedFailure ? ImageProcessor.Outcome.DONE : ImageProcessor.Outcome.RETRY;
        }
    }

    private ImageProcessor.Outcome work(GlanceImage copy, int attempt, Heartbeats.Beat beat) throws IOException {
        long started = System.nanoTime();
        beat.patch(JsonPatch.create().set(Properties.STATE, ImageState.CONVERTING.value())
                .set(Properties.HEARTBEAT, Long.toString(s.clock.instant().getEpochSecond())));
        List<String> stores = image.stores();
        String store = stores.isEmpty() ? null : stores.get(0);
        String algo = image.osHashAlgo() == null ? "sha512" : image.osHashAlgo();
        boolean relabel = decision.action() == Action.RELABEL;

        CopyVerifier.Sent sent;
        Long expectedVirtualSize;
        String expectedDigest;
        Long convertMillis = null;
        long uploadMillis;
        if (relabel) {
            MeasuredUpload up = new MeasuredUpload(() -> client.download(image), image.size() == null ? -1 : image.size(), algo);
            long t0 = System.nanoTime();
            try (Heartbeats.Paused paused = beat.uploading()) {
                client.upload(copy.id(), up.body(), store);
            }
            uploadMillis = (System.nanoTime() - t0) / 1_000_000;
            sent = new CopyVerifier.Sent(up.bytes(), algo, up.hash());
            if (image.osHashValue() != null && !image.osHashValue().equalsIgnoreCase(sent.hash())) {
                throw new CopyVerifier.VerificationException("the bytes relabelled are not the original's (hash differs)");
            }
            expectedVirtualSize = report.virtualSize();
            expectedDigest = null;
        } else {
            DiskFormat reader = DiskFormats.byName(report.format()).orElseThrow(() ->
                    new ImageFormatException(Check.FORMAT_UNSUPPORTED, "no reader for " + report.format()));
            DiskFormatWriter writer = DiskFormats.writer(target).orElseThrow(() ->
                    new ImageFormatException(Check.FORMAT_UNSUPPORTED, "no writer for " + target));
            OutputSettings output = plan.outputFor(target);
            ImageConverter converter = new ImageConverter(writer,
                    new WriteOptions(output.options(), output.compress(), s.threadsPerConversion()));
            try (VirtualDisk opened = reader.open(bytes.source(), s.limits)) {
                converter.validate(opened);
                Digested digested = digest(opened, s.limits);
                expectedDigest = digested.digest();
                expectedVirtualSize = opened.size();
                VirtualDisk disk = digested.disk();
                LoggedProgress progress = new LoggedProgress("image " + image.id() + " to " + target, disk.size(),
                        PROGRESS_LOG_SECONDS);
                long t0 = System.nanoTime();
                if (converter.streamable()) {
                    StreamedConversion conversion = new StreamedConversion(converter, disk, algo, s.producers, progress);
                    try {
                        try (Heartbeats.Paused paused = beat.uploading()) {
                            client.upload(copy.id(), conversion.body(), store);
                        }
                    } catch (IOException e) {
                        conversion.cancel();
                        throw preferConversionFailure(conversion, e);
                    }
                    ConversionResult result = finish(conversion);
                    convertMillis = result.elapsed().toMillis();
                    sent = new CopyVerifier.Sent(conversion.bytesSent(), algo, conversion.hash());
                } else {
                    Path spool = s.workDir.tmpDir(cloud.name()).resolve(copy.id() + ".out");
                    long estimate = storedBytes(disk);
                    s.workDir.reserve(estimate + estimate / 32 + (64L << 20), "spooling the " + target + " output");
                    try {
                        ConversionResult result = converter.toFile(disk, spool, progress);
                        convertMillis = result.elapsed().toMillis();
                        beat.check();
                        MeasuredUpload up = new MeasuredUpload(() -> Files.newInputStream(spool), Files.size(spool), algo);
                        try (Heartbeats.Paused paused = beat.uploading()) {
                            client.upload(copy.id(), up.body(), store);
                        }
                        sent = new CopyVerifier.Sent(up.bytes(), algo, up.hash());
                    } finally {
                        Files.deleteIfExists(spool);
                    }
                }
                uploadMillis = (System.nanoTime() - t0) / 1_000_000;
            }
        }
        // Glance writes back the copy's properties as they were when the upload began: beat again.
        beat.now();
        beat.check();
        CopyVerifier.Verified verified = new CopyVerifier(client, s.workDir, cloud.name(), s.limits)
                .verify(copy.id(), target, sent, expectedVirtualSize, expectedDigest);
        beat.patch(JsonPatch.create().set(Properties.STATE, ImageState.VERIFIED.value())
                .set(Properties.DIGEST, verified.digest()));
        beat.check();
        if (stores.size() > 1) {
            try {
                client.copyToStores(copy.id(), stores.subList(1, stores.size()));
            } catch (IOException e) {
                LOG.warn("cloud {}: copy {}: copying into stores {} failed: {}", cloud.name(), copy.id(),
                        stores.subList(1, stores.size()), e.getMessage());
            }
        }
        GlanceImage original = client.get(image.id()).orElse(null);
        var provenance = new CopyMetadata.Provenance(target, relabel, report.format(), verified.digest(),
                verified.vmwareDiskType(), verified.vmwareAdapterType());
        String note = new Finisher(client, cloud.settings()).finish(original, verified.copy(), provenance, attempt,
                decision.reason(), beat);
        long totalMillis = (System.nanoTime() - started) / 1_000_000;
        s.metrics.bytesRead(cloud.name(), bytes.bytesIn());
        s.metrics.bytesWritten(cloud.name(), sent.bytes());
        s.metrics.conversionTook(cloud.name(), java.time.Duration.ofMillis(totalMillis));
        draft.newImage(copy.id()).bytes(bytes.bytesIn(), sent.bytes())
                .durations(bytes.staged() ? bytes.downloadMillis() : null, convertMillis, uploadMillis)
                .result("done" + (note == null ? "" : "; " + note));
        s.record(draft);
        return ImageProcessor.Outcome.DONE;
    }

    /** The source's content digest, and the source as the conversion should see it. */
    record Digested(String digest, VirtualDisk disk) {
    }

    /**
     * Digests {@code source} and returns it with the blocks that pass found all zero reported as
     * ZERO extents ({@link ZeroMappedDisk}); {@code source} itself when no map fits the limits.
     *
     * <p>Why: over HTTP (or staged without holes) a raw source is one DATA extent, and a streamed
     * qcow2 plans its clusters from extents before it reads any data, so every zero would become
     * an allocated cluster. The digest pass reads every stored byte anyway; recording which blocks
     * are all zero costs a bitmap bounded by the metadata cache limit, and the conversion then
     * leaves them unallocated and never reads them again (nor fetches them over HTTP). Safe
     * because the map comes from the very bytes the digest covers and the copy is verified
     * against that digest after upload: a source that changed between the passes, or a wrong
     * map, fails verification instead of losing data.
     */
    static Digested digest(VirtualDisk source, Limits limits) throws IOException {
        ZeroMap zeros = ZeroMap.forSize(source.size(), limits.maxCacheBytes());
        String digest = ContentDigest.of(source, zeros);
        return new Digested(digest, zeros == null ? source : new ZeroMappedDisk(source, zeros));
    }

    private static ConversionResult finish(StreamedConversion conversion) throws IOException {
        try {
            return conversion.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while finishing the conversion");
        }
    }

    /** When the upload broke because the conversion failed, the conversion's reason is the one to report. */
    private static IOException preferConversionFailure(StreamedConversion conversion, IOException uploadFailure) {
        try {
            conversion.finish();
        } catch (IOException conversionFailure) {
            return conversionFailure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            return uploadFailure;
        }
        return uploadFailure;
    }

    /** Bytes of data the disk stores (from its allocation map): what an output must hold at most, before metadata. */
    private static long storedBytes(VirtualDisk disk) throws IOException {
        long data = 0;
        ExtentCursor cursor = disk.extents(0).coalesced();
        Extent e;
        while ((e = cursor.next()) != null) {
            if (e.kind() == Extent.Kind.DATA) {
                data += e.length();
            }
        }
        return data;
    }
}
