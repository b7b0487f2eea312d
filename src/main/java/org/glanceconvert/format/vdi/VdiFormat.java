package org.glanceconvert.format.vdi;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;

/** VirtualBox VDI, version 1.1: fixed (static) and dynamic (normal) images. */
public final class VdiFormat implements DiskFormat {

    @Override
    public String name() {
        return "vdi";
    }

    @Override
    public boolean matches(ByteSource source) throws IOException {
        if (source.size() < VdiHeader.SIGNATURE_OFFSET + 4) {
            return false;
        }
        int signature = ByteBuffer.wrap(source.readBytes(VdiHeader.SIGNATURE_OFFSET, 4))
                .order(ByteOrder.LITTLE_ENDIAN).getInt();
        return signature == VdiHeader.SIGNATURE;
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        VdiHeader h = VdiHeader.parse(source.readBytes(0, VdiHeader.SIZE));
        FormatReport report = new FormatReport(name());
        if (h.version == VdiHeader.VERSION_1_1) {
            report.subformat(h.subformat());
            if (h.diskSize() >= 0) {
                report.virtualSize(h.diskSize());
            }
            if (h.blockSize > 0) {
                report.clusterSize(h.blockSize);
            }
        }
        List<VdiProblem> headerProblems = h.problems();
        if (!headerProblems.isEmpty()) {
            headerProblems.forEach(p -> report.problem(p.finding()));
            return report;
        }
        try {
            limits.checkVirtualSize(h.diskSize());
            VdiBlockMap.read(source, h, limits).problems().forEach(p -> report.problem(p.finding()));
        } catch (ImageFormatException e) {
            report.problem(Finding.of(e));
        }
        return report;
    }

    /** Inspection's findings, plus an allocated-block count that disagrees with the header. */
    @Override
    public List<Finding> check(ByteSource source, Limits limits) throws IOException {
        FormatReport report;
        try {
            report = inspect(source, limits);
        } catch (EOFException e) {
            return List.of(Finding.of(Check.FORMAT_TRUNCATED, "the file ends inside the VDI header"));
        }
        List<Finding> problems = new ArrayList<>(report.problems());
        if (problems.isEmpty()) {
            VdiHeader h = VdiHeader.parse(source.readBytes(0, VdiHeader.SIZE));
            VdiBlockMap map = VdiBlockMap.read(source, h, limits);
            if (map.allocatedEntries() != h.blocksAllocated) {
                problems.add(Finding.of(Check.VDI_BLOCK_MAP, "the header counts " + h.blocksAllocated
                        + " allocated blocks but the block map points at " + map.allocatedEntries()));
            }
        }
        return problems;
    }

    @Override
    public VirtualDisk open(ByteSource source, Limits limits) throws IOException {
        VdiHeader h = VdiHeader.parse(source.readBytes(0, VdiHeader.SIZE));
        List<VdiProblem> problems = h.problems();
        if (!problems.isEmpty()) {
            throw problems.get(0).exception();
        }
        limits.checkVirtualSize(h.diskSize());
        VdiBlockMap map = VdiBlockMap.read(source, h, limits);
        if (!map.problems().isEmpty()) {
            throw map.problems().get(0).exception();
        }
        return new VdiDisk(source, h, map);
    }
}
