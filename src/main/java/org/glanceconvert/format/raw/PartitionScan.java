package org.glanceconvert.format.raw;

import java.util.List;
import org.glanceconvert.inspect.Finding;

/**
 * What the first sectors of a raw disk say about its partitioning.
 *
 * @param table      {@code mbr}, {@code gpt} or null when there is no partition table
 * @param findings   failed sanity checks ({@code partition.mbr}, {@code partition.gpt}, limits)
 * @param partitions the first few partitions, to be probed for nested images
 */
record PartitionScan(String table, List<Finding> findings, List<Partition> partitions) {

    static final PartitionScan NONE = new PartitionScan(null, List.of(), List.of());
}
