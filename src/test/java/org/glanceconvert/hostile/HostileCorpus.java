package org.glanceconvert.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.glanceconvert.format.qcow2.Qcow2Samples;
import org.glanceconvert.format.raw.RawSamples;
import org.glanceconvert.format.vdi.VdiSamples;
import org.glanceconvert.format.vhd.VhdSamples;
import org.glanceconvert.format.vhdx.VhdxSamples;
import org.glanceconvert.format.vmdk.VmdkSamples;

/**
 * The hostile corpus of issue 8, generated: every file is built by the formats' own test builders
 * (the {@code *Samples} classes) from fixed seeds, so the same bytes come out on every machine
 * and nothing binary is checked in. What each command must say about each file is the table
 * {@code src/test/resources/hostile/cases.tsv}. {@code main(DIR)} writes the files for a look
 * with {@code bin/glance-convert} or {@code qemu-img}.
 *
 * <p>Some files name other files: {@link #BACKING_SIBLING} is a real file written in the corpus
 * directory, and {@code ../x} resolves to a real file {@link #PARENT_X} next to the corpus
 * directory, so that a reader that followed either would succeed in opening it (the file-open
 * recorder would see it).
 */
public final class HostileCorpus {
    /**
     * A real file in the corpus directory that hostile headers name as their backing or data
     * file. It is not itself a case, so no command is ever given it: an open of it is a leak.
     */
    public static final String BACKING_SIBLING = "backing-target.qcow2";
    /** Written in the corpus directory's parent: where {@code ../x} leads. */
    public static final String PARENT_X = "x";
    /** Truncated copies per valid file. */
    private static final int CUTS = 3;

    private HostileCorpus() {
    }

    /** A named file of the corpus. */
    public record Sample(String name, Supplier<byte[]> bytes) {
    }

    /** The valid files: the controls every command accepts, and the sources of truncated copies. */
    public static List<Sample> valid() {
        return List.of(
                new Sample("valid-v3.qcow2", Qcow2Samples::valid),
                new Sample("valid-extended-l2.qcow2", Qcow2Samples::validExtendedL2),
                new Sample("valid-sparse.vmdk", VmdkSamples::monolithicSparse),
                new Sample("valid-stream.vmdk", VmdkSamples::streamOptimized),
                new Sample("valid-fixed.vhd", VhdSamples::fixed),
                new Sample("valid-dynamic.vhd", VhdSamples::dynamic),
                new Sample("valid.vhdx", VhdxSamples::valid),
                new Sample("valid.vdi", VdiSamples::dynamic),
                new Sample("valid.iso", HostileCorpus::iso),
                new Sample("valid-mbr.raw", RawSamples::mbrDisk));
    }

    /** The crafted hostile files of issue 8. */
    public static List<Sample> hostile() {
        return List.of(
                new Sample("qcow2-backing-etc-passwd.qcow2", () -> Qcow2Samples.backingFile("/etc/passwd")),
                new Sample("qcow2-backing-sibling.qcow2", () -> Qcow2Samples.backingFile(BACKING_SIBLING)),
                new Sample("qcow2-data-file.qcow2", () -> Qcow2Samples.dataFile(BACKING_SIBLING)),
                new Sample("qcow2-unknown-incompatible-bit.qcow2", Qcow2Samples::unknownIncompatibleBits),
                new Sample("qcow2-l1-larger-than-file.qcow2", Qcow2Samples::l1LargerThanFile),
                new Sample("qcow2-l2-into-header.qcow2", Qcow2Samples::l2IntoHeader),
                new Sample("qcow2-l2-into-refcount-table.qcow2", Qcow2Samples::l2IntoRefcountTable),
                new Sample("qcow2-l2-past-eof.qcow2", Qcow2Samples::l2PastEof),
                new Sample("qcow2-l2-at-its-own-table.qcow2", Qcow2Samples::l2AtItsOwnTable),
                new Sample("qcow2-l2-entries-sharing-a-cluster.qcow2", Qcow2Samples::l2EntriesSharingACluster),
                new Sample("qcow2-compressed-past-eof.qcow2", Qcow2Samples::compressedPastEof),
                new Sample("qcow2-compressed-inflating-past-cluster.qcow2", Qcow2Samples::compressedInflatingPastCluster),
                new Sample("qcow2-refcount-table-at-0.qcow2", Qcow2Samples::refcountTableAtZero),
                new Sample("qcow2-virtual-size-2p63-1.qcow2", Qcow2Samples::virtualSizeMax),
                new Sample("vmdk-flat-etc-passwd.vmdk",
                        () -> VmdkSamples.descriptorFile("monolithicFlat", "RW 2048 FLAT \"/etc/passwd\" 0")),
                new Sample("vmdk-vmfs-dotdot-x.vmdk", () -> VmdkSamples.descriptorFile("vmfs", "RW 2048 VMFS \"../x\"")),
                new Sample("vmdk-sparse-with-flat-etc-passwd.vmdk", () -> VmdkSamples.sparseWithFlatExtent("/etc/passwd")),
                new Sample("vmdk-stream-forged-footer.vmdk", VmdkSamples::streamForgedFooter),
                new Sample("vmdk-stream-footer-moving-directory.vmdk", VmdkSamples::streamFooterMovingTheDirectory),
                new Sample("vmdk-grain-table-entry-past-eof.vmdk", VmdkSamples::grainTableEntryPastEof),
                new Sample("vmdk-descriptor-100mib.vmdk", VmdkSamples::descriptorOf100MiB),
                new Sample("vhd-bad-checksum.vhd", VhdSamples::badChecksum),
                new Sample("vhd-bat-past-eof.vhd", VhdSamples::batPastEof),
                new Sample("vhd-bat-entry-past-eof.vhd", VhdSamples::batEntryPastEof),
                new Sample("vhd-differencing.vhd", VhdSamples::differencing),
                new Sample("vhdx-bad-crcs.vhdx", VhdxSamples::badCrcs),
                new Sample("vhdx-log-needs-replay.vhdx", VhdxSamples::logNeedingReplay),
                new Sample("vhdx-regions-overlapping.vhdx", VhdxSamples::regionsOverlapping),
                new Sample("vdi-block-map-past-eof.vdi", VdiSamples::blockMapPastEof),
                new Sample("vdi-block-past-eof.vdi", VdiSamples::blockPastEof),
                new Sample("iso-with-qcow2-in-system-area.iso",
                        () -> RawSamples.isoWithHeaderInSystemArea(iso(), Qcow2Samples.validSmall())),
                new Sample("mbr-with-qcow2-in-partition-1.raw",
                        () -> RawSamples.mbrWithImageInFirstPartition(Qcow2Samples.validSmall())));
    }

    /**
     * Truncated copies of every valid file at seeded random lengths: one log-uniform from 16
     * bytes (so that cuts land in headers and tables too, not only in the bulk of the data), the
     * others uniform.
     */
    public static List<Sample> truncated() {
        List<Sample> out = new ArrayList<>();
        Random random = new Random(8);
        for (Sample whole : valid()) {
            if (whole.name().equals("valid-mbr.raw")) {
                continue; // a cut raw disk is a shorter raw disk
            }
            byte[] bytes = whole.bytes().get();
            for (int i = 0; i < CUTS; i++) {
                double exponent = Math.log(16) + random.nextDouble() * (Math.log(bytes.length) - Math.log(16));
                int length = i == 0 ? (int) Math.min(bytes.length - 1, Math.exp(exponent))
                        : 1 + random.nextInt(bytes.length - 1);
                String name = whole.name().replaceFirst("^valid", "cut-at-" + length + "-of");
                out.add(new Sample(name, () -> Arrays.copyOf(whole.bytes().get(), length)));
            }
        }
        return out;
    }

    /** Every file, by name, in the order of the table. */
    public static Map<String, Sample> all() {
        Map<String, Sample> all = new LinkedHashMap<>();
        for (List<Sample> group : List.of(valid(), hostile(), truncated())) {
            for (Sample s : group) {
                if (all.put(s.name(), s) != null) {
                    throw new IllegalStateException("two samples named " + s.name());
                }
            }
        }
        return all;
    }

    /**
     * Writes every file into {@code dir} (created), with the files hostile headers name: the
     * backing target in it and {@code ../x} beside it. Returns {@code dir}.
     */
    public static Path writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Sample s : all().values()) {
            Files.write(dir.resolve(s.name()), s.bytes().get());
        }
        Files.write(dir.resolve(BACKING_SIBLING), Qcow2Samples.valid());
        Path parentX = dir.toAbsolutePath().getParent().resolve(PARENT_X);
        Files.writeString(parentX, "a file outside the corpus that ../x would reach\n");
        return dir;
    }

    /** The real ISO 9660 image of the corpus of real files. */
    static byte[] iso() {
        try {
            return Files.readAllBytes(Path.of("src/test/resources/corpus/real/iso9660.raw"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the corpus into the directory given (default {@code target/hostile-corpus}). */
    public static void main(String[] args) throws IOException {
        Path dir = writeTo(Path.of(args.length > 0 ? args[0] : "target/hostile-corpus"));
        System.out.println("wrote " + all().size() + " files to " + dir);
    }
}
