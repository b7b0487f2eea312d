package org.glanceconvert.format.vmdk;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;

/**
 * VMware VMDK. Three kinds of file carry the name:
 * <ul>
 *   <li>a hosted sparse extent ("KDMV") with an embedded descriptor: monolithicSparse or
 *       streamOptimized, the only ones converted;</li>
 *   <li>a text descriptor file whose extents are other files (monolithicFlat, twoGbMaxExtent*,
 *       vmfs, ...): detected so it is never taken for raw, and always unsafe;</li>
 *   <li>a VMware 3 ESX sparse extent ("COWD"): detected, not converted.</li>
 * </ul>
 */
public final class VmdkFormat implements DiskFormat {
    /** How much of a file may be looked at to recognise a descriptor: qemu's probe buffer. */
    static final int DESCRIPTOR_PROBE_BYTES = 2048;

    @Override
    public String name() {
        return "vmdk";
    }

    @Override
    public boolean matches(ByteSource source) throws IOException {
        long size = source.size();
        if (size < 4) {
            return false;
        }
        byte[] head = source.readBytes(0, (int) Math.min(size, DESCRIPTOR_PROBE_BYTES));
        return SparseExtentHeader.hasMagic(head) || isCowd(head) || looksLikeDescriptorFile(head);
    }

    private static boolean isCowd(byte[] head) {
        return head.length >= 4 && head[0] == 'C' && head[1] == 'O' && head[2] == 'W' && head[3] == 'D';
    }

    /**
     * Recognises a descriptor file the way qemu probes one, so that both tools agree on what is a
     * VMDK: comment lines and lines of spaces may come first, then a {@code version=1|2|3} line.
     */
    static boolean looksLikeDescriptorFile(byte[] head) {
        int p = 0;
        int end = head.length;
        while (p < end) {
            if (head[p] == '#') {
                while (p < end && head[p] != '\n') {
                    p++;
                }
                p++;
                continue;
            }
            if (head[p] == ' ') {
                while (p < end && head[p] == ' ') {
                    p++;
                }
                if (p < end && head[p] == '\r') {
                    p++;
                }
                if (p == end || head[p] != '\n') {
                    return false;
                }
                p++;
                continue;
            }
            return versionLine(head, p);
        }
        return false;
    }

    private static boolean versionLine(byte[] head, int p) {
        String rest = new String(head, p, Math.min(11, head.length - p), StandardCharsets.ISO_8859_1);
        for (char v = '1'; v <= '3'; v++) {
            if (rest.startsWith("version=" + v + "\n") || rest.startsWith("version=" + v + "\r\n")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        byte[] magic = source.readBytes(0, 4);
        if (SparseExtentHeader.hasMagic(magic)) {
            return inspectSparse(source, limits);
        }
        if (isCowd(magic)) {
            return inspectCowd(source, limits);
        }
        return inspectDescriptorFile(source, limits);
    }

    private FormatReport inspectSparse(ByteSource source, Limits limits) throws IOException {
        SparseVmdk image = SparseVmdk.read(source, limits);
        FormatReport report = new FormatReport(name()).subformat(image.subformat());
        image.virtualSize().ifPresent(report::virtualSize);
        image.grainBytes().ifPresent(report::clusterSize);
        image.problems().forEach(report::problem);
        image.warnings().forEach(w -> report.warning(w.check(), w.message()));
        return report;
    }

    /** An ESX 2 sparse extent: qemu reads it, but nothing produces it for Glance today. */
    private FormatReport inspectCowd(ByteSource source, Limits limits) throws IOException {
        FormatReport report = new FormatReport(name()).subformat("vmfsSparse");
        ByteBuffer header = ByteBuffer.wrap(source.readBytes(0, 32)).order(ByteOrder.LITTLE_ENDIAN);
        long sectors = Integer.toUnsignedLong(header.getInt(12));
        report.virtualSize(sectors * SparseExtentHeader.SECTOR);
        report.problem(Check.VMDK_SUBFORMAT, "a VMware 3 (COWD) ESX sparse extent: only monolithicSparse"
                + " and streamOptimized disks are converted");
        try {
            limits.checkVirtualSize(sectors * SparseExtentHeader.SECTOR);
        } catch (ImageFormatException e) {
            report.problem(Finding.of(e));
        }
        return report;
    }

    /**
     * A descriptor file holds no disk data: its extents name other files, which a service handed
     * one file must never open. It is reported with the type and size the descriptor states.
     */
    private FormatReport inspectDescriptorFile(ByteSource source, Limits limits) throws IOException {
        FormatReport report = new FormatReport(name());
        report.problem(Check.VMDK_DESCRIPTOR_ONLY, "a text descriptor file: the disk's data lives in the files"
                + " its extents name, which are not part of this image");
        VmdkDescriptor descriptor;
        try {
            descriptor = readDescriptorFile(source, limits);
        } catch (ImageFormatException e) {
            report.problem(Finding.of(e));
            return report;
        }
        Optional<String> createType = descriptor.createType();
        createType.ifPresent(report::subformat);
        if (createType.isEmpty()) {
            report.problem(Check.VMDK_DESCRIPTOR, "the descriptor has no createType");
        } else if (!VmdkDescriptor.isMonolithicSparse(createType.get())) {
            report.problem(Check.VMDK_SUBFORMAT, "createType " + createType.get()
                    + ": only monolithicSparse and streamOptimized disks are converted");
        }
        long bytes = descriptor.extentBytes();
        try {
            if (bytes < 0) {
                throw new ImageFormatException(Check.LIMITS_VIRTUAL_SIZE, "the extents add up to more than "
                        + Long.MAX_VALUE + " bytes");
            }
            limits.checkVirtualSize(bytes);
            report.virtualSize(bytes);
        } catch (ImageFormatException e) {
            report.problem(Finding.of(e));
        }
        ExtentRules.forDescriptorFile(descriptor).forEach(report::problem);
        if (descriptor.hasParent()) {
            report.problem(Check.VMDK_PARENT, "a delta disk: its unallocated grains come from a parent disk");
        }
        return report;
    }

    private static VmdkDescriptor readDescriptorFile(ByteSource source, Limits limits) throws IOException {
        long size = source.size();
        limits.checkDescriptorBytes(size);
        return VmdkDescriptor.parse(source.readBytes(0, (int) size));
    }

    /**
     * The descriptor of a VMDK file, embedded or the file itself, when it parses. The daemon reads
     * {@code ddb.adapterType} from here.
     */
    public Optional<VmdkDescriptor> descriptor(ByteSource source, Limits limits) throws IOException {
        if (source.size() < 4) {
            return Optional.empty();
        }
        byte[] magic = source.readBytes(0, 4);
        if (SparseExtentHeader.hasMagic(magic)) {
            return SparseVmdk.read(source, limits).descriptor();
        }
        if (isCowd(magic)) {
            return Optional.empty();
        }
        try {
            return Optional.of(readDescriptorFile(source, limits));
        } catch (ImageFormatException e) {
            return Optional.empty();
        }
    }

    /** The adapter type the descriptor names ({@code ide}, {@code lsilogic}, ...), if any. */
    public Optional<String> adapterType(ByteSource source, Limits limits) throws IOException {
        return descriptor(source, limits).flatMap(VmdkDescriptor::adapterType);
    }

    @Override
    public List<Finding> check(ByteSource source, Limits limits) throws IOException {
        if (source.size() < 4 || !SparseExtentHeader.hasMagic(source.readBytes(0, 4))) {
            return inspect(source, limits).problems();
        }
        SparseVmdk image = SparseVmdk.read(source, limits);
        if (!image.problems().isEmpty()) {
            return new ArrayList<>(image.problems());
        }
        try {
            return new VmdkChecker(image, limits).run();
        } catch (EOFException e) {
            return List.of(Finding.of(Check.FORMAT_TRUNCATED, "the file ends inside a structure: " + e.getMessage()));
        }
    }

    @Override
    public VirtualDisk open(ByteSource source, Limits limits) throws IOException {
        byte[] magic = source.size() < 4 ? new byte[0] : source.readBytes(0, 4);
        if (!SparseExtentHeader.hasMagic(magic)) {
            throw new ImageFormatException(isCowd(magic) ? Check.VMDK_SUBFORMAT : Check.VMDK_DESCRIPTOR_ONLY,
                    isCowd(magic) ? "VMware 3 (COWD) sparse extents are not converted"
                            : "a descriptor file holds no disk data: its extents are other files");
        }
        SparseVmdk image = SparseVmdk.read(source, limits);
        if (!image.problems().isEmpty()) {
            Finding first = image.problems().get(0);
            throw new ImageFormatException(checkOf(first), first.message());
        }
        return new VmdkDisk(image, limits);
    }

    private static Check checkOf(Finding finding) {
        for (Check check : Check.values()) {
            if (check.id().equals(finding.check())) {
                return check;
            }
        }
        return Check.VMDK_HEADER;
    }
}
