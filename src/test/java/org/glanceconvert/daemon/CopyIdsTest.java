package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CopyIdsTest {
    private static final UUID NS = UUID.fromString("3f2b8c1e-6d1a-4c0e-9b8e-2a7d5f1c9e40");
    private final CopyIds ids = new CopyIds(NS);

    @Test
    void uuid5MatchesRfc4122() {
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
        assertEquals(UUID.fromString("886313e1-3b8a-5372-9b90-0c9aee199e5d"),
                CopyIds.uuid5(UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "python.org"));
    }

    @Test
    void theIdDependsOnSourceTargetAttemptAndTheSecretNamespace() {
        String id = ids.idFor("src", "raw", 1);
        UUID u = UUID.fromString(id);
        assertEquals(5, u.version());
        assertEquals(2, u.variant());
        assertEquals(id, ids.idFor("src", "raw", 1), "deterministic");
        assertEquals(CopyIds.uuid5(NS, "src:raw:1").toString(), id, "name is source_id:target:attempt");
        assertNotEquals(id, ids.idFor("src", "raw", 2));
        assertNotEquals(id, ids.idFor("src", "qcow2", 1));
        assertNotEquals(id, ids.idFor("other", "raw", 1));
        assertNotEquals(id, new CopyIds(UUID.randomUUID()).idFor("src", "raw", 1));
        assertThrows(IllegalArgumentException.class, () -> ids.idFor("src", "raw", 0));
    }

    @Test
    void ourCopiesAreRecognisedByTheirIdForgedOnesAreNot() {
        String id = ids.idFor("src", "raw", 2);
        var copy = Images.json(id, "p", "raw", "active");
        assertTrue(ids.isOurCopy(Images.with(copy, Map.of(Properties.SOURCE_ID, "src", Properties.ATTEMPT, "2"))));
        assertFalse(ids.isOurCopy(Images.with(copy, Map.of(Properties.SOURCE_ID, "src", Properties.ATTEMPT, "1"))));
        assertFalse(ids.isOurCopy(Images.with(copy, Map.of(Properties.SOURCE_ID, "other", Properties.ATTEMPT, "2"))));
        assertFalse(ids.isOurCopy(Images.with(copy, Map.of(Properties.SOURCE_ID, "src"))), "no attempt");
        assertFalse(ids.isOurCopy(Images.with(Images.json(id, "p", "qcow2", "active"),
                Map.of(Properties.SOURCE_ID, "src", Properties.ATTEMPT, "2"))), "another target");
        var forged = Images.json(UUID.randomUUID().toString(), "p", "raw", "active");
        assertFalse(ids.isOurCopy(Images.with(forged, Map.of(Properties.SOURCE_ID, "src", Properties.ATTEMPT, "2"))));
        assertFalse(new CopyIds(UUID.randomUUID()).isOurCopy(
                Images.with(copy, Map.of(Properties.SOURCE_ID, "src", Properties.ATTEMPT, "2"))), "another deployment");
    }

    @Test
    void attemptParsing() {
        var j = Images.json("x", "p", "raw", "active");
        assertEquals(0, CopyIds.attemptOf(Images.image(j)));
        assertEquals(3, CopyIds.attemptOf(Images.with(j, Map.of(Properties.ATTEMPT, " 3 "))));
        assertEquals(0, CopyIds.attemptOf(Images.with(j, Map.of(Properties.ATTEMPT, "-1"))));
        assertEquals(0, CopyIds.attemptOf(Images.with(j, Map.of(Properties.ATTEMPT, "three"))));
        assertEquals(0, CopyIds.attemptOf(Images.with(j, Map.of(Properties.ATTEMPT, "99999999999"))));
    }
}
