package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.glanceconvert.GlanceConvert;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.JsonPatch;
import org.junit.jupiter.api.Test;

class CopyMetadataTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static GlanceImage original() {
        var j = Images.json("orig", "proj", "vmdk", "active").put("name", "web").put("visibility", "public")
                .put("min_disk", 10).put("min_ram", 512).put("protected", true).put("os_hidden", false)
                .put("checksum", "abc").put("os_hash_value", "def").put("size", 1234).put("virtual_size", 4096);
        j.withArray("tags").add("prod").add("web");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("hw_disk_bus", "scsi");
        p.put("os_distro", "debian");
        p.put("vmware_disktype", "preallocated");
        p.put("vmware_adaptertype", "lsiLogic");
        p.put("owner_specified.openstack.md5", "abc");
        p.put("owner_specified.openstack.sha256", "abc");
        p.put("owner_specified.openstack.object", "images/web");
        p.put("img_signature", "sig");
        p.put("os_glance_import_task", "t");
        p.put(Properties.STATE, "failed");
        p.put(Properties.REASON, "earlier failure");
        p.put(Properties.TARGET, "raw");
        return Images.with(j, p);
    }

    private static Map<String, JsonNode> ops(JsonPatch patch) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode op : JSON.readTree(patch.toString())) {
            out.put(op.get("path").asText().substring(1), op.get("value"));
        }
        return out;
    }

    @Test
    void aConvertedCopyCarriesUserPropertiesButNotOursGlancesOrTheOriginalBytesHashes() {
        Map<String, String> carried = CopyMetadata.carriedProperties(original(), false, "raw");
        assertEquals(Map.of("hw_disk_bus", "scsi", "os_distro", "debian", "vmware_adaptertype", "lsiLogic",
                "owner_specified.openstack.object", "images/web"), carried);
    }

    @Test
    void aRelabelledCopyKeepsWhatDescribesItsUnchangedBytes() {
        Map<String, String> carried = CopyMetadata.carriedProperties(original(), true, "vmdk");
        assertEquals("abc", carried.get("owner_specified.openstack.md5"));
        assertEquals("sig", carried.get("img_signature"));
        assertEquals("preallocated", carried.get("vmware_disktype"));
        assertFalse(carried.containsKey("os_glance_import_task"));
        assertFalse(carried.keySet().stream().anyMatch(k -> k.startsWith(Properties.PREFIX)));
    }

    @Test
    void finalizeSetsBaseAttributesProvenanceAndVmwareProperties() throws Exception {
        var p = new CopyMetadata.Provenance("vmdk", false, "qcow2", "d1g", "streamOptimized", "lsiLogic");
        Map<String, JsonNode> ops = ops(CopyMetadata.finalizePatch(original(), p, " (original)", false));
        assertEquals("web", ops.get("name").asText());
        assertEquals("public", ops.get("visibility").asText());
        assertEquals(10, ops.get("min_disk").asInt());
        assertEquals(512, ops.get("min_ram").asInt());
        assertTrue(ops.get("protected").isBoolean() && ops.get("protected").asBoolean());
        assertEquals("[\"prod\",\"web\"]", ops.get("tags").toString());
        assertEquals("vmdk", ops.get(Properties.SOURCE_DISK_FORMAT).asText());
        assertEquals("qcow2", ops.get(Properties.DETECTED_FORMAT).asText());
        assertEquals("d1g", ops.get(Properties.DIGEST).asText());
        assertEquals(GlanceConvert.version(), ops.get(Properties.VERSION).asText());
        assertEquals("streamOptimized", ops.get("vmware_disktype").asText());
        assertEquals("lsiLogic", ops.get("vmware_adaptertype").asText());
        assertFalse(ops.containsKey("os_hidden"), "revealed in a step of its own");
        assertFalse(ops.containsKey(Properties.STATE), "the copy's state is not the original's");
        assertFalse(ops.containsKey("checksum") || ops.containsKey("size") || ops.containsKey("virtual_size"));
    }

    @Test
    void aResumedFinishGivesTheCopyTheNameBeforeKeepRenamedTheOriginal() throws Exception {
        var renamed = original().json().put("name", "web (original)");
        renamed.withArray("tags").add(CopyMetadata.KEPT_TAG);
        var p = new CopyMetadata.Provenance("raw", false, "qcow2", "d", null, null);
        Map<String, JsonNode> resumed = ops(CopyMetadata.finalizePatch(Images.image(renamed), p, " (original)", false));
        assertEquals("web", resumed.get("name").asText());
        assertEquals("[\"prod\",\"web\"]", resumed.get("tags").toString(), "our tag on the kept original is not carried");
        var userNamed = original().json().put("name", "web (original)");
        assertEquals("web (original)", CopyMetadata.originalName(Images.image(userNamed), " (original)"),
                "without our tag the suffix is the user's");
        assertFalse(ops(CopyMetadata.finalizePatch(original(), p, " (original)", false)).containsKey("vmware_disktype"));
    }

    @Test
    void theClaimIsHiddenPrivateAndOwnedByTheOriginalsOwner() throws Exception {
        var claim = CopyMetadata.claim(original(), "copy-id", "raw", 2, new Claimant("pod", "abcd"),
                Instant.ofEpochSecond(1_800_000_000L));
        JsonNode body = claim.toJson();
        assertEquals("copy-id", body.get("id").asText());
        assertEquals("raw", body.get("disk_format").asText());
        assertEquals("bare", body.get("container_format").asText());
        assertEquals("private", body.get("visibility").asText());
        assertTrue(body.get("os_hidden").asBoolean());
        assertEquals("proj", body.get("owner").asText());
        assertEquals("orig", body.get(Properties.SOURCE_ID).asText());
        assertEquals("claimed", body.get(Properties.STATE).asText());
        assertEquals("2", body.get(Properties.ATTEMPT).asText());
        assertEquals("pod/abcd", body.get(Properties.CLAIMANT).asText());
        assertEquals("1800000000", body.get(Properties.HEARTBEAT).asText());
        assertNull(body.get("tags"), "tags come only with the verified copy");
    }

    @Test
    void theCopyIsRevealedAsTheOriginalWasBeforeThePolicyHidIt() {
        var visible = original();
        var hiddenByPolicy = Images.image(original().json().put("os_hidden", true));
        var fresh = Images.image(Images.json("copy", "proj", "raw", "active"));
        assertFalse(CopyMetadata.revealHidden(visible, fresh));
        var recorded = Images.with(Images.json("copy", "proj", "raw", "active"), Map.of(Properties.REVEAL_HIDDEN, "false"));
        assertFalse(CopyMetadata.revealHidden(hiddenByPolicy, recorded), "a resumed finish uses what was recorded");
        assertTrue(CopyMetadata.revealHidden(hiddenByPolicy, fresh), "a hidden original stays hidden");
    }

    @Test
    void vmwareDiskTypes() {
        assertEquals("streamOptimized", CopyMetadata.vmwareDiskType("streamOptimized"));
        assertEquals("sparse", CopyMetadata.vmwareDiskType("monolithicSparse"));
        assertNull(CopyMetadata.vmwareDiskType("monolithicFlat"));
    }
}
