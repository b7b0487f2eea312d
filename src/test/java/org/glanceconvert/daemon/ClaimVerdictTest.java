package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.glanceconvert.glance.GlanceImage;
import org.junit.jupiter.api.Test;

class ClaimVerdictTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(10);
    private final CopyIds ids = new CopyIds(UUID.fromString("3f2b8c1e-6d1a-4c0e-9b8e-2a7d5f1c9e40"));
    private final Claimant self = new Claimant("pod-a", "1111");
    private final GlanceImage original = Images.image(Images.json("orig", "proj", "qcow2", "active"));

    private GlanceImage copy(String owner, String status, String state, Instant beat, String claimant) {
        Map<String, String> p = new HashMap<>();
        p.put(Properties.SOURCE_ID, "orig");
        p.put(Properties.ATTEMPT, "1");
        if (state != null) {
            p.put(Properties.STATE, state);
        }
        if (beat != null) {
            p.put(Properties.HEARTBEAT, Long.toString(beat.getEpochSecond()));
        }
        if (claimant != null) {
            p.put(Properties.CLAIMANT, claimant);
        }
        return Images.with(Images.json(ids.idFor("orig", "raw", 1), owner, "raw", status), p);
    }

    private ClaimVerdict judge(GlanceImage existing) {
        return ClaimVerdict.judge(existing, original, ids, NOW, LEASE, self);
    }

    @Test
    void aDeletedIdIsBurnt() {
        assertEquals(ClaimVerdict.GONE, judge(null));
    }

    @Test
    void anotherOwnerOrSourceOrAnUnderivedIdIsACollision() {
        assertEquals(ClaimVerdict.COLLISION, judge(copy("attacker", "queued", "claimed", NOW, "pod-b/2")));
        GlanceImage otherSource = Images.with(copy("proj", "queued", "claimed", NOW, "pod-b/2").json(),
                Map.of(Properties.SOURCE_ID, "someone-else"));
        assertEquals(ClaimVerdict.COLLISION, judge(otherSource));
        GlanceImage squatted = Images.with(Images.json(UUID.randomUUID().toString(), "proj", "raw", "queued"),
                Map.of(Properties.SOURCE_ID, "orig", Properties.ATTEMPT, "1"));
        assertEquals(ClaimVerdict.COLLISION, judge(squatted));
        GlanceImage noProps = Images.image(Images.json(ids.idFor("orig", "raw", 1), "proj", "raw", "queued"));
        assertEquals(ClaimVerdict.COLLISION, judge(noProps));
    }

    @Test
    void aFreshHeartbeatOfAnotherProcessHoldsTheClaim() {
        assertEquals(ClaimVerdict.HELD, judge(copy("proj", "saving", "converting", NOW.minusSeconds(60), "pod-b/2")));
        assertEquals(ClaimVerdict.HELD, judge(copy("proj", "active", "verified", NOW.minus(LEASE), "pod-b/2")),
                "exactly at the lease");
        assertEquals(ClaimVerdict.HELD, judge(copy("proj", "queued", "claimed", NOW, "pod-a/1111")), "this process");
    }

    @Test
    void aStaleClaimIsTakenOverUnlessVerified() {
        Instant old = NOW.minus(LEASE).minusSeconds(1);
        assertEquals(ClaimVerdict.STALE, judge(copy("proj", "queued", "claimed", old, "pod-b/2")));
        assertEquals(ClaimVerdict.HELD, judge(copy("proj", "saving", "converting", old, "pod-b/2")),
                "an upload in progress does not beat");
        Instant longGone = NOW.minus(LEASE.multipliedBy(ClaimVerdict.SAVING_LEASES)).minusSeconds(1);
        assertEquals(ClaimVerdict.STALE, judge(copy("proj", "saving", "converting", longGone, "pod-b/2")));
        assertEquals(ClaimVerdict.STALE, judge(copy("proj", "queued", "verified", old, "pod-b/2")), "verified but not active");
        assertEquals(ClaimVerdict.STALE, judge(copy("proj", "queued", "claimed", null, "pod-b/2")), "no heartbeat");
        GlanceImage garbled = Images.with(copy("proj", "queued", "claimed", NOW, "pod-b/2").json(),
                Map.of(Properties.HEARTBEAT, "soon"));
        assertEquals(ClaimVerdict.STALE, judge(garbled));
        assertEquals(ClaimVerdict.FINISH, judge(copy("proj", "active", "verified", old, "pod-b/2")));
        assertEquals(ClaimVerdict.FINISH, judge(copy("proj", "active", "done", null, "pod-b/2")));
    }

    @Test
    void anEarlierIncarnationOfThisReplicaIsDeadWhateverItsHeartbeat() {
        assertEquals(ClaimVerdict.STALE, judge(copy("proj", "saving", "converting", NOW, "pod-a/0000")));
        assertEquals(ClaimVerdict.FINISH, judge(copy("proj", "active", "verified", NOW, "pod-a/0000")));
    }

    @Test
    void claimantParsing() {
        assertEquals(new Claimant("host.example", "ab12"), Claimant.parse("host.example/ab12"));
        assertEquals(null, Claimant.parse("no-slash"));
        assertEquals(null, Claimant.parse("/x"));
        assertEquals(null, Claimant.parse("x/"));
        assertEquals(null, Claimant.parse(null));
        Claimant me = Claimant.forThisProcess("pod/with-slash");
        assertEquals("pod_with-slash", me.replica());
        assertEquals(me, Claimant.parse(me.toString()));
    }
}
