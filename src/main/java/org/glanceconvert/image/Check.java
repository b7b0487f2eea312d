package org.glanceconvert.image;

/**
 * The registry of stable check ids. Operators script against these strings (they appear in
 * {@code problems[].check}, the conversion log and Glance properties): never rename one; add new
 * ones here and in docs/contracts.md.
 */
public enum Check {
    // Any format
    FORMAT_MULTIPLE_MATCH("format.multiple_match", "more than one format's signature matches"),
    FORMAT_NESTED_IMAGE("format.nested_image", "a partition of a raw disk starts with another image format"),
    FORMAT_TRUNCATED("format.truncated", "the file ends before a structure its header describes"),
    FORMAT_UNSUPPORTED("format.unsupported", "a format that is recognised but never converted"),
    FORMAT_MISMATCH("format.mismatch", "the bytes are not the format that was asserted"),
    FORMAT_OUTPUT_LIMIT("format.output_limit",
            "the disk is larger than the output format can hold (VHD 2040 GiB, sparse VMDK 2 TiB, VHDX 64 TiB)"),
    LIMITS_VIRTUAL_SIZE("limits.virtual_size", "virtual size above the configured maximum"),
    LIMITS_TABLE_SIZE("limits.table_size", "a metadata table larger than the configured maximum"),
    LIMITS_DESCRIPTOR_SIZE("limits.descriptor_size", "a descriptor larger than the configured maximum"),
    LIMITS_READ_BYTES("limits.read_bytes", "inspection would read more than the configured maximum"),
    LIMITS_TIME("limits.time", "inspection took longer than the configured maximum"),
    PARTITION_MBR("partition.mbr", "an MBR partition table that fails sanity checks"),
    PARTITION_GPT("partition.gpt", "a GPT that fails sanity checks"),

    // qcow2
    QCOW2_VERSION("qcow2.version", "a qcow2 version other than 2 or 3"),
    QCOW2_HEADER("qcow2.header", "header fields out of range"),
    QCOW2_BACKING_FILE("qcow2.backing_file", "a backing file (content lives in another file)"),
    QCOW2_DATA_FILE("qcow2.data_file", "an external data file (CVE-2024-32498)"),
    QCOW2_INCOMPATIBLE_FEATURES("qcow2.incompatible_features", "unknown incompatible feature bits"),
    QCOW2_ENCRYPTED("qcow2.encrypted", "encrypted image"),
    QCOW2_CORRUPT("qcow2.corrupt", "the corrupt bit is set"),
    QCOW2_EXTENSION("qcow2.extension", "a header extension that runs out of the header cluster"),
    QCOW2_L1_TABLE("qcow2.l1_table", "L1 table outside the file, misaligned or overlapping"),
    QCOW2_REFCOUNT_TABLE("qcow2.refcount_table", "refcount table outside the file, misaligned or overlapping"),
    QCOW2_L2_TABLE("qcow2.l2_table", "an L1 entry pointing outside the file, into metadata or misaligned"),
    QCOW2_DATA_CLUSTER("qcow2.data_cluster", "an L2 entry pointing outside the file, into metadata or misaligned"),
    QCOW2_COMPRESSED_CLUSTER("qcow2.compressed_cluster", "a compressed cluster that runs past EOF or inflates wrongly"),
    QCOW2_REFCOUNT("qcow2.refcount", "refcounts that disagree with the clusters in use"),
    QCOW2_OVERLAP("qcow2.overlap", "two structures claim the same cluster"),

    // vmdk
    VMDK_HEADER("vmdk.header", "sparse header fields out of range"),
    VMDK_SUBFORMAT("vmdk.subformat", "a createType other than monolithicSparse or streamOptimized"),
    VMDK_EXTENT_FILE("vmdk.extent_file", "an extent stored in another file (CVE-2022-47951)"),
    VMDK_DESCRIPTOR("vmdk.descriptor", "a descriptor that cannot be parsed"),
    VMDK_PARENT("vmdk.parent", "a delta disk whose unallocated grains come from a parent file"),
    VMDK_DESCRIPTOR_ONLY("vmdk.descriptor_only", "a text-only descriptor file with no data"),
    VMDK_FOOTER("vmdk.footer", "a streamOptimized footer or end-of-stream marker that is missing or forged"),
    VMDK_GRAIN_DIRECTORY("vmdk.grain_directory", "grain directory outside the file or misaligned"),
    VMDK_GRAIN_TABLE("vmdk.grain_table", "a grain table outside the file or overlapping"),
    VMDK_GRAIN("vmdk.grain", "a grain outside the file or a compressed grain that is corrupt"),

    // vhd
    VHD_FOOTER("vhd.footer", "footer fields out of range"),
    VHD_CHECKSUM("vhd.checksum", "footer checksum mismatch"),
    VHD_HEADER_CHECKSUM("vhd.header_checksum", "dynamic header checksum mismatch"),
    VHD_HEADER("vhd.header", "dynamic header fields out of range"),
    VHD_DIFFERENCING("vhd.differencing", "a differencing disk (needs a parent)"),
    VHD_BAT("vhd.bat", "BAT outside the file or an entry pointing outside it"),

    // vhdx
    VHDX_HEADER("vhdx.header", "no valid header"),
    VHDX_CHECKSUM("vhdx.checksum", "CRC-32C mismatch"),
    VHDX_LOG_REPLAY("vhdx.log_replay", "a log that needs replay"),
    VHDX_REGION_TABLE("vhdx.region_table", "region table invalid or regions overlapping"),
    VHDX_METADATA("vhdx.metadata", "metadata region invalid"),
    VHDX_DIFFERENCING("vhdx.differencing", "a differencing disk (needs a parent)"),
    VHDX_BAT("vhdx.bat", "BAT entries invalid or pointing outside the file"),

    // vdi
    VDI_HEADER("vdi.header", "header fields out of range"),
    VDI_DIFFERENCING("vdi.differencing", "a differencing disk (needs a parent)"),
    VDI_BLOCK_MAP("vdi.block_map", "block map outside the file or an entry out of range");

    private final String id;
    private final String summary;

    Check(String id, String summary) {
        this.id = id;
        this.summary = summary;
    }

    /** The stable id, e.g. {@code qcow2.backing_file}. */
    public String id() {
        return id;
    }

    /** One line saying what the check refuses. */
    public String summary() {
        return summary;
    }

    @Override
    public String toString() {
        return id;
    }
}
