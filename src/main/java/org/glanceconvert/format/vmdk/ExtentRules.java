package org.glanceconvert.format.vmdk;

import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.image.Check;
import org.glanceconvert.inspect.Finding;

/**
 * What a descriptor's extent lines may say. A disk whose data lives in a file other than the one
 * we were handed is never read: that file could be anything on the host (CVE-2022-47951).
 */
final class ExtentRules {
    /** Findings reported per descriptor before summarising the rest. */
    private static final int MAX_LISTED = 8;

    private ExtentRules() {
    }

    /**
     * A monolithic sparse extent (monolithicSparse or streamOptimized) describes itself with
     * exactly one SPARSE extent; its name is the file's own, so a bare name is accepted.
     */
    static List<Finding> forMonolithicSparse(VmdkDescriptor descriptor, long capacitySectors) {
        List<Finding> findings = new ArrayList<>();
        List<DescriptorExtent> extents = descriptor.extents();
        if (extents.isEmpty()) {
            findings.add(Finding.of(Check.VMDK_DESCRIPTOR, "the descriptor has no extent line"));
            return findings;
        }
        DescriptorExtent own = extents.get(0);
        if (!own.type().equals(DescriptorExtent.SPARSE) || !own.namesFile()) {
            findings.add(own.namesFile() ? otherFile(1, own)
                    : Finding.of(Check.VMDK_DESCRIPTOR, "extent 1 (" + own + ") is not the SPARSE extent of this file"));
        } else if (own.nameIsPath()) {
            findings.add(otherFile(1, own));
        } else if (own.sectors() != capacitySectors) {
            findings.add(Finding.of(Check.VMDK_DESCRIPTOR, "extent 1 (" + own + ") is " + own.sectors()
                    + " sectors but the header says " + capacitySectors + ": tools would disagree on the size"));
        }
        int listed = 0;
        for (int i = 1; i < extents.size(); i++) {
            DescriptorExtent extra = extents.get(i);
            if (++listed > MAX_LISTED) {
                findings.add(Finding.of(Check.VMDK_EXTENT_FILE, (extents.size() - i) + " more extents"));
                break;
            }
            findings.add(extra.namesFile() ? otherFile(i + 1, extra)
                    : Finding.of(Check.VMDK_DESCRIPTOR, "extent " + (i + 1) + " (" + extra
                            + "): a single-file disk has exactly one SPARSE extent"));
        }
        return findings;
    }

    /** A descriptor file's extents: every one that names a file reads another file. */
    static List<Finding> forDescriptorFile(VmdkDescriptor descriptor) {
        List<Finding> findings = new ArrayList<>();
        List<DescriptorExtent> extents = descriptor.extents();
        int listed = 0;
        for (int i = 0; i < extents.size(); i++) {
            DescriptorExtent e = extents.get(i);
            if (!e.namesFile()) {
                continue;
            }
            if (++listed > MAX_LISTED) {
                findings.add(Finding.of(Check.VMDK_EXTENT_FILE, "and more extents in other files"));
                break;
            }
            findings.add(otherFile(i + 1, e));
        }
        return findings;
    }

    private static Finding otherFile(int index, DescriptorExtent e) {
        return Finding.of(Check.VMDK_EXTENT_FILE, "extent " + index + " (" + e.access() + " " + e.sectors() + " "
                + e.type() + ") reads its data from " + e.describeName()
                + ", a file other than this image (CVE-2022-47951)");
    }
}
