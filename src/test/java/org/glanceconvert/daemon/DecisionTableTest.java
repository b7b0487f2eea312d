package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.log.Action;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DecisionTableTest {

    private static ImageFacts image(String diskFormat, Map<String, String> props) {
        return new ImageFacts("id-1", "img", "proj", "active", diskFormat, "bare", 1024L, props, List.of());
    }

    private static InspectionReport report(String format, String subformat, Finding... problems) {
        return new InspectionReport("f", format, subformat, 1L << 30, 1024, null, null, problems.length == 0,
                List.of(problems), List.of(), null, null);
    }

    @ParameterizedTest(name = "{0} labelled {1} on a {2} cloud -> {3}")
    @CsvSource({
            // real,  declared, target, action
            "raw,     raw,      raw,    OK",
            "raw,     vmdk,     raw,    RELABEL",   // ESXi -flat.vmdk on a Ceph cloud
            "qcow2,   raw,      raw,    CONVERT",   // qcow2 uploaded as raw on a Ceph cloud
            "qcow2,   raw,      qcow2,  RELABEL",
            "qcow2,   qcow2,    qcow2,  OK",
            "qcow2,   qcow2,    raw,    CONVERT",
            "vmdk,    vmdk,     qcow2,  CONVERT",   // streamOptimized on a KVM cloud
            "vmdk,    vmdk,     vmdk,   OK",
            "raw,     qcow2,    vmdk,   CONVERT",
            "vhdx,    vhd,      vhdx,   RELABEL",
            "vdi,     vdi,      raw,    CONVERT",
    })
    void decisionTable(String real, String declared, String target, Action expected) {
        Decision d = DecisionTable.after(image(declared, Map.of()), report(real, null), TargetChoice.target(target));
        assertEquals(expected, d.action(), d.reason());
        assertEquals(target, d.targetFormat());
    }

    @Test
    void unsafeIsRejectedWithItsChecksEvenWhenOptedOut() {
        Decision d = DecisionTable.after(image("qcow2", Map.of(Properties.SKIP, "true")),
                report("qcow2", "v3", new Finding("qcow2.backing_file", "backing file /etc/passwd")),
                TargetChoice.target("raw"));
        assertEquals(Action.REJECT, d.action());
        assertEquals(List.of("qcow2.backing_file"), d.checks());
        assertTrue(d.reason().contains("/etc/passwd"));
    }

    @Test
    void optOutAndRuleSkip() {
        assertEquals(Action.SKIP, DecisionTable.after(image("qcow2", Map.of(Properties.SKIP, "true")),
                report("qcow2", "v3"), TargetChoice.target("raw")).action());
        assertEquals(Action.SKIP, DecisionTable.after(image("qcow2", Map.of()), report("qcow2", "v3"),
                new TargetChoice("raw", "rule 2: tag keep-as-is", false)).action());
    }

    @Test
    void perImageTargetOverridesTheCloud() {
        Decision d = DecisionTable.after(image("raw", Map.of(Properties.TARGET, "qcow2")), report("raw", null),
                TargetChoice.target("raw"));
        assertEquals(Action.CONVERT, d.action());
        assertEquals("qcow2", d.targetFormat());
        Decision vpc = DecisionTable.after(image("raw", Map.of(Properties.TARGET, "vpc")), report("raw", null),
                TargetChoice.target("raw"));
        assertEquals("vhd", vpc.targetFormat());
        Decision bogus = DecisionTable.after(image("raw", Map.of(Properties.TARGET, "iso")), report("raw", null),
                TargetChoice.target("raw"));
        assertEquals(Action.FAIL, bogus.action());
    }

    @Test
    void signedImagesAreRelabelledButNeverConverted() {
        Map<String, String> signed = Map.of("img_signature", "abc", "img_signature_hash_method", "SHA-256");
        assertEquals(Action.SKIP, DecisionTable.after(image("raw", signed), report("qcow2", "v3"),
                TargetChoice.target("raw")).action());
        assertEquals(Action.RELABEL, DecisionTable.after(image("vmdk", signed), report("raw", null),
                TargetChoice.target("raw")).action());
    }

    @Test
    void isoIsLeftAloneUnlessOptedIn() {
        assertEquals(Action.OK, DecisionTable.after(image("iso", Map.of()), report("iso", null),
                TargetChoice.target("qcow2")).action());
        assertEquals(Action.SKIP, DecisionTable.after(image("raw", Map.of()), report("iso", null),
                TargetChoice.target("qcow2")).action());
        assertEquals(Action.CONVERT, DecisionTable.after(image("iso", Map.of()), report("iso", null),
                new TargetChoice("qcow2", null, true)).action());
    }

    @Test
    void preallocatedVmdkIsRightOnVmwareButRelabelledElsewhere() {
        Map<String, String> p = Map.of("vmware_disktype", "preallocated");
        assertEquals(Action.OK, DecisionTable.after(image("vmdk", p), report("raw", null),
                TargetChoice.target("vmdk")).action());
        assertEquals(Action.RELABEL, DecisionTable.after(image("vmdk", p), report("raw", null),
                TargetChoice.target("raw")).action());
    }

    @Test
    void rowsDecidedBeforeDownload() {
        Map<String, String> none = new HashMap<>();
        assertTrue(DecisionTable.before(image("raw", none)).isEmpty());
        assertEquals(Action.SKIP, DecisionTable.before(image("raw", Map.of(Properties.SOURCE_ID, "x"))).get().action());
        assertEquals(Action.SKIP, DecisionTable.before(image("raw", Map.of(Properties.STATE, "done"))).get().action());
        assertTrue(DecisionTable.before(image("raw", Map.of(Properties.STATE, "failed"))).isEmpty(), "failed is retried");
        assertEquals(Action.SKIP, DecisionTable.before(image("raw", Map.of("cinder_encryption_key_id", "k"))).get().action());
        assertEquals(Action.SKIP, DecisionTable.before(image("raw", Map.of("block_device_mapping", "[]"))).get().action());
        assertEquals(Action.SKIP, DecisionTable.before(new ImageFacts("i", "n", "o", "active", "raw", "ova", 5L,
                none, List.of())).get().action());
        assertEquals(Action.SKIP, DecisionTable.before(new ImageFacts("i", "n", "o", "active", "raw", "bare", 0L,
                none, List.of())).get().action());
        assertEquals(Action.SKIP, DecisionTable.before(new ImageFacts("i", "n", "o", "queued", "raw", "bare", 5L,
                none, List.of())).get().action());
    }
}
