package org.glanceconvert.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.glanceconvert.glance.GlanceImage;

/**
 * What an existing image at a copy's id means, after creating the copy answered 409. Pure: the
 * image as Glance returned it, the original, the clock and the lease decide.
 */
public enum ClaimVerdict {
    /** The id is burnt (a deleted copy): try the next attempt. */
    GONE,
    /** Not ours (another owner or another source): a collision or an attack. Touch nothing. */
    COLLISION,
    /** Another live worker has it: leave the image alone. */
    HELD,
    /** Ours, abandoned before it was verified: delete it and try the next attempt. */
    STALE,
    /** Ours and verified (or done): only the finishing steps may be missing. */
    FINISH;

    /**
     * @param existing the image found at the copy id, or null when Glance answered 404
     * @param self     this process
     */
    public static ClaimVerdict judge(GlanceImage existing, GlanceImage original, CopyIds ids, Instant now,
                                     Duration lease, Claimant self) {
        if (existing == null) {
            return GONE;
        }
        if (!Objects.equals(existing.owner(), original.owner())
                || !original.id().equals(existing.property(Properties.SOURCE_ID).orElse(null))
                || !ids.isOurCopy(existing)) {
            return COLLISION;
        }
        if (isAlive(existing, now, lease, self)) {
            return HELD;
        }
        ImageState state = ImageState.parse(existing.property(Properties.STATE).orElse(null)).orElse(null);
        boolean verified = state == ImageState.DONE || state == ImageState.VERIFIED;
        return verified && existing.isActive() ? FINISH : STALE;
    }

    /** How many leases a copy being uploaded (status saving) stays claimed without a beat. */
    static final int SAVING_LEASES = 6;

    /** A fresh heartbeat from another process (an earlier incarnation of this replica is dead). */
    static boolean isAlive(GlanceImage copy, Instant now, Duration lease, Claimant self) {
        Claimant claimant = Claimant.parse(copy.property(Properties.CLAIMANT).orElse(null));
        if (claimant != null && self.isOtherIncarnationOf(claimant)) {
            return false;
        }
        Instant beat = heartbeat(copy);
        // Heartbeats pause while data is uploaded (a PATCH then races Glance's own status
        // change), and a dead uploader's dropped connection returns the copy to queued: a copy in
        // saving is alive for SAVING_LEASES leases after its last beat, so only a Glance that
        // died mid-upload leaves one to take over.
        Duration allowed = "saving".equals(copy.status()) ? lease.multipliedBy(SAVING_LEASES) : lease;
        return beat != null && !beat.plus(allowed).isBefore(now);
    }

    /** The heartbeat as an instant, or null when absent or garbled. */
    static Instant heartbeat(GlanceImage copy) {
        String s = copy.property(Properties.HEARTBEAT).orElse(null);
        if (s == null) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(s.trim()));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return null;
        }
    }
}
