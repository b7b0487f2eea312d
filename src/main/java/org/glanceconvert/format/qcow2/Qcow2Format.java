package org.glanceconvert.format.qcow2;

import java.io.IOException;
import java.util.List;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;

/**
 * qcow2 versions 2 and 3 (qemu docs/interop/qcow2.txt). The magic with version 1 is the older qcow
 * format and is not this one; versions above 3 match so that inspect can say why they are refused.
 */
public final class Qcow2Format implements DiskFormat {

    @Override
    public String name() {
        return Qcow2Inspection.NAME;
    }

    @Override
    public boolean matches(ByteSource source) throws IOException {
        if (source.size() < 8) {
            return false;
        }
        byte[] b = source.readBytes(0, 8);
        return SourceReads.getInt(b, 0) == Qcow2Header.MAGIC
                && Integer.compareUnsigned(SourceReads.getInt(b, 4), 2) >= 0;
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        return Qcow2Inspection.run(source, limits).report;
    }

    /** Everything QEMU's check verifies: every table entry, overlaps and refcounts. */
    @Override
    public List<Finding> check(ByteSource source, Limits limits) throws IOException {
        return Qcow2Checker.check(source, limits);
    }

    @Override
    public VirtualDisk open(ByteSource source, Limits limits) throws IOException {
        Qcow2Inspection inspection = Qcow2Inspection.run(source, limits);
        List<Finding> problems = inspection.report.problems();
        if (!problems.isEmpty()) {
            throw asException(problems.get(0));
        }
        return new Qcow2Disk(source, limits, inspection);
    }

    static ImageFormatException asException(Finding finding) {
        for (Check check : Check.values()) {
            if (check.id().equals(finding.check())) {
                return new ImageFormatException(check, finding.message());
            }
        }
        return new ImageFormatException(Check.QCOW2_HEADER, finding.check() + ": " + finding.message());
    }
}
