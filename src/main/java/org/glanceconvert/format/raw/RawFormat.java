package org.glanceconvert.format.raw;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;

/**
 * Plain bytes: the virtual disk is the file. Inspection reports an MBR or GPT partition table,
 * refuses one that fails oslo.utils' sanity checks, and refuses another image format hidden at
 * the start of a partition.
 */
public class RawFormat implements DiskFormat {
    private final NestedImageProbe nested;

    /** Probes partitions with every registered format. */
    public RawFormat() {
        this(DiskFormats::signed);
    }

    /** Probes partitions with {@code formats} (looked up at inspection time). */
    public RawFormat(Supplier<List<DiskFormat>> formats) {
        this.nested = new NestedImageProbe(formats);
    }

    @Override
    public String name() {
        return "raw";
    }

    /** Raw has no signature; it is chosen when nothing else matches. */
    @Override
    public boolean matches(ByteSource source) {
        return false;
    }

    @Override
    public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        FormatReport report = new FormatReport(name()).virtualSize(source.size());
        limits.checkVirtualSize(source.size());
        PartitionScan scan = PartitionTables.scan(source, limits);
        report.partitionTable(scan.table());
        scan.findings().forEach(report::problem);
        nested.probe(source, scan.partitions()).forEach(report::problem);
        return report;
    }

    @Override
    public VirtualDisk open(ByteSource source, Limits limits) throws IOException {
        return new RawDisk(source);
    }
}
