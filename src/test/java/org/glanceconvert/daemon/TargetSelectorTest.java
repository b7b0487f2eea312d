package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.glanceconvert.config.CloudSettings;
import org.glanceconvert.config.DaemonConfigLoader;
import org.glanceconvert.config.OutputSettings;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.log.Action;
import org.junit.jupiter.api.Test;

class TargetSelectorTest {
    private static final String CONFIG = """
            id_namespace: 3f2b8c1e-6d1a-4c0e-9b8e-2a7d5f1c9e40
            work_dir: /tmp/gc
            clouds:
              - name: ceph
                target_format: raw
                rules:
                  - match: {owner: [vendor]}
                    skip: true
                    reason: vendor images
                  - match: {tag: [windows], name: "win-*"}
                    target: qcow2
                    output: {options: {cluster_size: 2M}}
                  - match: {disk_format: [iso]}
                    target: raw
                    include_iso: true
              - name: vmware
                target_format: vmdk
                output: {options: {subformat: streamOptimized, adapter_type: lsilogic}}
                rules:
                  - match: {properties: {os_type: [windows]}}
                    target: vmdk
            """;

    private static CloudSettings cloud(int i) throws Exception {
        return new DaemonConfigLoader(Map.of()).parse(CONFIG, Path.of("/etc/gc.yaml"), Path.of("/etc")).clouds().get(i);
    }

    private static GlanceImage image(String owner, String name, String diskFormat, String tag, Map<String, String> props) {
        var j = Images.json("id", owner, diskFormat, "active").put("name", name);
        if (tag != null) {
            j.withArray("tags").add(tag);
        }
        return Images.with(j, props);
    }

    @Test
    void noRuleMeansTheCloudsTargetAndOutput() throws Exception {
        TargetSelector.Plan p = new TargetSelector(cloud(0)).plan(image("p", "ubuntu", "qcow2", null, Map.of()));
        assertEquals(TargetChoice.target("raw"), p.choice());
        assertNull(p.rule());
        assertEquals(OutputSettings.none(), p.output());
    }

    @Test
    void theFirstMatchingRuleDecides() throws Exception {
        TargetSelector s = new TargetSelector(cloud(0));
        TargetSelector.Plan vendor = s.plan(image("vendor", "win-2022", "qcow2", "windows", Map.of()));
        assertTrue(vendor.choice().skipReason().contains("vendor images"), vendor.choice().skipReason());

        TargetSelector.Plan win = s.plan(image("p", "win-2022", "raw", "windows", Map.of()));
        assertEquals("qcow2", win.choice().targetFormat());
        assertNull(win.choice().skipReason());
        assertEquals(Map.of("cluster_size", "2M"), win.output().options());
        assertEquals(Map.of("cluster_size", "2M"), win.outputFor("qcow2").options());
        assertEquals(OutputSettings.none(), win.outputFor("raw"), "a per-image target gets default options");

        assertFalse(s.plan(image("p", "linux", "raw", "windows", Map.of())).choice().convertIso(), "name must match too");
        TargetSelector.Plan iso = s.plan(image("p", "installer", "iso", null, Map.of()));
        assertTrue(iso.choice().convertIso());
    }

    @Test
    void aRuleForTheCloudsOwnTargetKeepsTheCloudsOutput() throws Exception {
        TargetSelector.Plan p = new TargetSelector(cloud(1)).plan(image("p", "w", "vmdk", null, Map.of("os_type", "windows")));
        assertEquals("vmdk", p.choice().targetFormat());
        assertEquals("lsilogic", p.output().options().get("adapter_type"));
    }

    @Test
    void thePlanFeedsTheDecisionTable() throws Exception {
        GlanceImage img = image("p", "win-1", "raw", "windows", Map.of());
        TargetSelector.Plan p = new TargetSelector(cloud(0)).plan(img);
        ImageFacts facts = new ImageFacts(img.id(), img.name(), img.owner(), img.status(), img.diskFormat(), "bare",
                100L, img.userProperties(), img.tags().stream().toList());
        InspectionReport qcow2 = new InspectionReport("f", "qcow2", "v3", 1L << 30, 100, 65536L, null, true,
                java.util.List.of(), java.util.List.of(), null, null);
        Decision d = DecisionTable.after(facts, qcow2, p.choice());
        assertEquals(Action.RELABEL, d.action(), "a qcow2 labelled raw, on a rule that wants qcow2");
    }
}
