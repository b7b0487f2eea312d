package org.glanceconvert.format.raw;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Limits;
import org.glanceconvert.inspect.Finding;

/**
 * Finds a raw disk's partition table: an MBR in sector 0 and, behind a protective MBR, a GPT at
 * LBA 1 (512-byte blocks, or 4096-byte ones for 4Kn disks). Partition tables are not formats:
 * they never count towards a multiple match.
 */
final class PartitionTables {
    private static final int[] GPT_BLOCK_SIZES = {512, 4096};

    private PartitionTables() {
    }

    static PartitionScan scan(ByteSource source, Limits limits) throws IOException {
        if (source.size() < MbrPartitionTable.SECTOR) {
            return PartitionScan.NONE;
        }
        MbrPartitionTable mbr = MbrPartitionTable.parse(source.readBytes(0, MbrPartitionTable.SECTOR));
        if (mbr == null) {
            return PartitionScan.NONE;
        }
        List<Finding> findings = new ArrayList<>(mbr.problems());
        if (!mbr.protective()) {
            return new PartitionScan("mbr", findings, mbr.partitions());
        }
        for (int blockSize : GPT_BLOCK_SIZES) {
            if (GptTable.present(source, blockSize)) {
                GptTable gpt = GptTable.read(source, blockSize, limits);
                findings.addAll(gpt.problems());
                List<Partition> partitions = new ArrayList<>(mbr.partitions());
                partitions.addAll(gpt.partitions());
                return new PartitionScan("gpt", findings, partitions);
            }
        }
        findings.add(Finding.of(Check.PARTITION_GPT,
                "a protective MBR but no GPT header at LBA 1"));
        return new PartitionScan("gpt", findings, mbr.partitions());
    }
}
