package org.glanceconvert.daemon;

import java.io.IOException;
import org.glanceconvert.config.CloudSettings;
import org.glanceconvert.config.OriginalPolicy;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.GlanceException;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.ImageMember;
import org.glanceconvert.glance.JsonPatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps after a copy is verified: it takes over the original's metadata and members, the
 * original policy is applied, and both images are marked done. Every step is idempotent, so a
 * process that died half-way through is finished by the next one.
 *
 * <p>Order keeps the name unique among active images and never loses an image: under
 * {@code keep}, {@code hide} and {@code deactivate} the original steps aside before the copy is
 * revealed; under {@code delete} the copy is revealed and the original marked done before it is
 * deleted. The copy stays {@code verified} until the original is done, so a restart (or another
 * replica's janitor) sees that finishing is still owed.
 */
final class Finisher {
    private static final Logger LOG = LoggerFactory.getLogger(Finisher.class);
    private static final int MAX_NAME = 255;

    private final GlanceClient client;
    private final CloudSettings settings;

    Finisher(GlanceClient client, CloudSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    /**
     * @param original the original as it is now, or null when it is gone
     * @return a note on how the policy was applied (e.g. a protected original hidden instead of deleted)
     */
    String finish(GlanceImage original, GlanceImage copy, CopyMetadata.Provenance provenance, int attempt, String reason,
                  CopyPatcher copyPatch) throws IOException {
        String note = null;
        if (original != null) {
            boolean hidden = CopyMetadata.revealHidden(original, copy);
            copyPatch.patch(CopyMetadata.finalizePatch(original, provenance, settings.keepSuffix(), hidden));
            copyMembers(original, copy);
            OriginalPolicy policy = settings.original();
            if (policy == OriginalPolicy.DELETE && original.isProtected()) {
                policy = OriginalPolicy.HIDE;
                note = "the original is protected: hidden instead of deleted";
                LOG.warn("image {}: {}", original.id(), note);
            }
            switch (policy) {
                case KEEP -> {
                    String name = original.name() == null ? "" : original.name();
                    if (!name.endsWith(settings.keepSuffix())) {
                        client.patch(original.id(), JsonPatch.create().set("name",
                                CopyMetadata.truncate(name, MAX_NAME - settings.keepSuffix().length()) + settings.keepSuffix()));
                    }
                    client.addTag(original.id(), CopyMetadata.KEPT_TAG);
                    copyPatch.patch(CopyMetadata.reveal(hidden));
                    markDone(original, copy, attempt, reason, provenance);
                }
                case HIDE -> {
                    if (!original.isHidden()) {
                        client.patch(original.id(), JsonPatch.create().set("os_hidden", true));
                    }
                    copyPatch.patch(CopyMetadata.reveal(hidden));
                    markDone(original, copy, attempt, reason, provenance);
                }
                case DEACTIVATE -> {
                    if (original.isActive()) {
                        client.deactivate(original.id());
                    }
                    copyPatch.patch(CopyMetadata.reveal(hidden));
                    markDone(original, copy, attempt, reason, provenance);
                }
                case DELETE -> {
                    copyPatch.patch(CopyMetadata.reveal(hidden));
                    markDone(original, copy, attempt, reason, provenance);
                    client.delete(original.id());
                }
            }
        }
        GlanceImage current = client.get(copy.id()).orElseThrow(() -> new Heartbeats.ClaimLostException(copy.id()));
        copyPatch.patch(CopyMetadata.done(current));
        return note;
    }

    private void markDone(GlanceImage original, GlanceImage copy, int attempt, String reason,
                          CopyMetadata.Provenance provenance) throws IOException {
        JsonPatch patch = JsonPatch.create()
                .set(Properties.STATE, ImageState.DONE.value())
                .set(Properties.COPY_ID, copy.id())
                .set(Properties.DETECTED_FORMAT, provenance.detectedFormat())
                .set(Properties.ATTEMPT, Integer.toString(attempt));
        if (reason != null) {
            patch.set(Properties.REASON, Marks.reason(reason));
        }
        client.patch(original.id(), patch);
    }

    /** Members of a shared original become members of the copy, with the same status. */
    private void copyMembers(GlanceImage original, GlanceImage copy) throws IOException {
        if (!"shared".equals(original.visibility())) {
            return;
        }
        for (ImageMember m : client.members(original.id())) {
            try {
                client.addMember(copy.id(), m.memberId());
            } catch (GlanceException e) {
                if (e.status() != 409) {
                    throw e; // 409: a member already (a previous run got this far)
                }
            }
            if (!"pending".equals(m.status())) {
                client.updateMember(copy.id(), m.memberId(), m.status());
            }
        }
    }
}
