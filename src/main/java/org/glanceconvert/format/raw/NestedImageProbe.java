package org.glanceconvert.format.raw;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.SlicedByteSource;
import org.glanceconvert.inspect.Finding;

/**
 * Looks for another image format at the start of each partition: a qcow2 (or vmdk, vdi, ...)
 * hidden behind a partition table is read one way by the guest and another by any tool that
 * probes partitions (CVE-2024-44082 class).
 */
final class NestedImageProbe {
    /**
     * Formats that legitimately live in partitions: an ISO 9660 file system, and LUKS, which is
     * how encrypted partitions are normally made. Neither is interpreted by hypervisors there.
     */
    private static final Set<String> AT_HOME_IN_PARTITIONS = Set.of("iso", "luks");

    private final Supplier<List<DiskFormat>> formats;

    NestedImageProbe(Supplier<List<DiskFormat>> formats) {
        this.formats = formats;
    }

    List<Finding> probe(ByteSource source, List<Partition> partitions) throws IOException {
        List<Finding> found = new ArrayList<>();
        long size = source.size();
        for (Partition p : partitions) {
            if (p.start() <= 0 || p.start() >= size) {
                continue;
            }
            ByteSource slice = new SlicedByteSource(source, p.start(), Math.min(p.length(), size - p.start()));
            for (DiskFormat format : formats.get()) {
                if (!AT_HOME_IN_PARTITIONS.contains(format.name()) && matches(format, slice)) {
                    found.add(Finding.of(Check.FORMAT_NESTED_IMAGE, p.where() + " (at byte " + p.start()
                            + ") starts with a " + format.name() + " image"));
                }
            }
        }
        return found;
    }

    private static boolean matches(DiskFormat format, ByteSource slice) throws IOException {
        try {
            return format.matches(slice);
        } catch (EOFException e) {
            return false;
        }
    }
}
