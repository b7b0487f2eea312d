package org.glanceconvert.format.vmdk;

import static org.glanceconvert.format.vmdk.SparseExtentHeader.SECTOR;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.FileRegion;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.inspect.Finding;

/**
 * A single-file sparse VMDK (monolithicSparse or streamOptimized) as far as inspection reads it:
 * header, footer, embedded descriptor and grain directories, each bounds-checked. The reader and
 * {@code check} start from here. Reading never throws for bad content: problems are collected,
 * and {@link #complete()} says whether the directories could be read.
 */
public final class SparseVmdk {
    /** Header, footer marker, footer and end-of-stream marker: the last three sectors. */
    static final int FOOTER_BYTES = 3 * SECTOR;
    static final int GRAIN_TABLE_BYTES = SparseExtentHeader.GTES_PER_GT * 4;

    private final ByteSource source;
    private final long fileSize;
    private final List<Finding> problems = new ArrayList<>();
    private final List<Finding> warnings = new ArrayList<>();
    private final List<FileRegion> fixedRegions = new ArrayList<>();
    private SparseExtentHeader header;
    private SparseExtentHeader effective;
    private boolean validated;
    private boolean footerLayout;
    private VmdkDescriptor descriptor;
    private String subformat;
    private GrainDirectory gd;
    private GrainDirectory rgd;
    private boolean complete;

    private SparseVmdk(ByteSource source, long fileSize) {
        this.source = source;
        this.fileSize = fileSize;
    }

    /** Reads what inspection reads; problems end up in {@link #problems()}. */
    public static SparseVmdk read(ByteSource source, Limits limits) throws IOException {
        SparseVmdk image = new SparseVmdk(source, source.size());
        try {
            image.load(limits);
            image.complete = true;
        } catch (ImageFormatException e) {
            image.problems.add(Finding.of(e));
        } catch (EOFException e) {
            image.problems.add(Finding.of(Check.FORMAT_TRUNCATED, "the file ends before its sparse extent"
                    + " metadata does: " + e.getMessage()));
        }
        return image;
    }

    private void load(Limits limits) throws IOException {
        if (fileSize < SECTOR) {
            throw new ImageFormatException(Check.FORMAT_TRUNCATED,
                    "the file (" + fileSize + " bytes) ends inside the sparse extent header");
        }
        header = SparseExtentHeader.parse(source.readBytes(0, SECTOR));
        header.validate(limits);
        if ((header.flags() & ~SparseExtentHeader.KNOWN_FLAGS) != 0) {
            warnings.add(new Finding("vmdk.unknown_flags", "header flags 0x"
                    + Integer.toHexString(header.flags()) + " include bits the format does not define"));
        }
        fixedRegions.add(new FileRegion("header", 0, SECTOR));
        if (Long.compareUnsigned(header.overHead(), fileSize / SECTOR) > 0) {
            throw new ImageFormatException(Check.FORMAT_TRUNCATED, "the header says metadata fills the first "
                    + header.overHead() + " sectors, but the file has only " + fileSize + " bytes");
        }
        readDescriptor(limits);
        effective = header;
        if (header.gdAtEnd()) {
            footerLayout = true;
            effective = readFooter(limits);
        }
        validated = true;
        decideSubformat();
        readDirectories(limits);
    }

    private void readDescriptor(Limits limits) throws IOException {
        long offset = header.descriptorOffset();
        long sectors = header.descriptorSize();
        if (offset == 0 || sectors == 0) {
            problems.add(Finding.of(Check.VMDK_DESCRIPTOR, "no embedded descriptor: the file is one extent"
                    + " of a disk described elsewhere"));
            return;
        }
        long bytes = sectors > Long.MAX_VALUE / SECTOR ? Long.MAX_VALUE : sectors * SECTOR;
        try {
            limits.checkDescriptorBytes(bytes);
        } catch (ImageFormatException e) {
            problems.add(Finding.of(e));
            return;
        }
        if (offset > fileSize / SECTOR || bytes > fileSize - offset * SECTOR) {
            problems.add(Finding.of(Check.VMDK_DESCRIPTOR, "the descriptor (sector " + Long.toUnsignedString(offset)
                    + ", " + bytes + " bytes) runs past the end of the file (" + fileSize + " bytes)"));
            return;
        }
        fixedRegions.add(new FileRegion("descriptor", offset * SECTOR, offset * SECTOR + bytes));
        byte[] text = source.readBytes(offset * SECTOR, (int) bytes);
        try {
            descriptor = VmdkDescriptor.parse(text);
        } catch (ImageFormatException e) {
            problems.add(Finding.of(e));
        }
    }

    /**
     * A header with GD_AT_END is followed, at the end of the file, by a footer marker, a copy of
     * the header with the real grain directory offset, and an end-of-stream marker. Everything in
     * it must agree with the header: a footer is the easiest place to hide a second disk.
     */
    private SparseExtentHeader readFooter(Limits limits) throws IOException {
        if (fileSize % SECTOR != 0 || fileSize < SECTOR + FOOTER_BYTES) {
            throw footerProblem("the header puts the grain directory in a footer, but the file ("
                    + fileSize + " bytes) is not whole sectors ending in a footer and an end-of-stream marker");
        }
        long at = fileSize - FOOTER_BYTES;
        byte[] bytes = source.readBytes(at, FOOTER_BYTES);
        StreamMarker footerMarker = StreamMarker.parse(bytes, 0);
        if (!footerMarker.isMetadata(StreamMarker.FOOTER) || footerMarker.value() > 1) {
            throw footerProblem("no footer marker at byte " + at + " (found " + footerMarker + ")");
        }
        StreamMarker eos = StreamMarker.parse(bytes, 2 * SECTOR);
        if (!eos.isMetadata(StreamMarker.END_OF_STREAM) || eos.value() != 0) {
            throw footerProblem("no end-of-stream marker in the last sector (found " + eos + ")");
        }
        byte[] copy = Arrays.copyOfRange(bytes, SECTOR, 2 * SECTOR);
        if (!SparseExtentHeader.hasMagic(copy)) {
            throw footerProblem("the footer after the footer marker is not a sparse extent header");
        }
        SparseExtentHeader footer = SparseExtentHeader.parse(copy);
        if (footer.gdAtEnd()) {
            throw footerProblem("the footer's grain directory offset is GD_AT_END as well");
        }
        try {
            footer.validate(limits);
        } catch (ImageFormatException e) {
            if (e.check() == Check.VMDK_HEADER) {
                throw footerProblem("footer: " + e.getMessage());
            }
            throw e;
        }
        disagreement("capacity", header.capacity(), footer.capacity());
        disagreement("grain size", header.grainSize(), footer.grainSize());
        disagreement("compression algorithm", header.compressAlgorithm(), footer.compressAlgorithm());
        disagreement("version", header.version(), footer.version());
        int readingFlags = SparseExtentHeader.FLAG_COMPRESSED | SparseExtentHeader.FLAG_MARKERS
                | SparseExtentHeader.FLAG_ZEROED_GRAIN_GTE;
        disagreement("flags", header.flags() & readingFlags, footer.flags() & readingFlags);
        fixedRegions.add(new FileRegion("footer", at, fileSize));
        return footer;
    }

    private static void disagreement(String field, long inHeader, long inFooter) throws ImageFormatException {
        if (inHeader != inFooter) {
            throw footerProblem("the footer says " + field + " " + Long.toUnsignedString(inFooter)
                    + " but the header says " + Long.toUnsignedString(inHeader));
        }
    }

    private static ImageFormatException footerProblem(String message) {
        return new ImageFormatException(Check.VMDK_FOOTER, message);
    }

    /**
     * QEMU names a sparse file's type from its header (compressed means streamOptimized), so
     * that is the subformat; a createType that says otherwise is a problem of its own.
     */
    private void decideSubformat() {
        String fromHeader = effective.compressed() ? VmdkDescriptor.STREAM_OPTIMIZED : VmdkDescriptor.MONOLITHIC_SPARSE;
        subformat = fromHeader;
        if (descriptor == null) {
            return;
        }
        Optional<String> createType = descriptor.createType();
        if (createType.isEmpty() && descriptor.extents().isEmpty()) {
            problems.add(Finding.of(Check.VMDK_DESCRIPTOR,
                    "the embedded descriptor is empty: the file is one extent of a disk described elsewhere"));
            return;
        }
        if (createType.isEmpty()) {
            problems.add(Finding.of(Check.VMDK_DESCRIPTOR, "the descriptor has no createType"));
        } else if (!VmdkDescriptor.isMonolithicSparse(createType.get())) {
            subformat = createType.get();
            problems.add(Finding.of(Check.VMDK_SUBFORMAT, "createType " + subformat
                    + ": only monolithicSparse and streamOptimized disks are converted"));
        } else if (!createType.get().equals(fromHeader)) {
            problems.add(Finding.of(Check.VMDK_DESCRIPTOR, "the descriptor says createType " + createType.get()
                    + " but the header's compression makes it " + fromHeader));
        }
        if (effective.capacity() == 0) {
            // qemu reads a sparse header of capacity 0 as a pointer to its descriptor's extents
            List<Finding> others = ExtentRules.forDescriptorFile(descriptor);
            problems.addAll(others.isEmpty() ? List.of(Finding.of(Check.VMDK_HEADER, "a capacity of 0 sectors:"
                    + " qemu reads such a file through the extents of its descriptor")) : others);
        } else if (createType.isEmpty() || VmdkDescriptor.isMonolithicSparse(createType.get())) {
            problems.addAll(ExtentRules.forMonolithicSparse(descriptor, effective.capacity()));
        } else {
            problems.addAll(ExtentRules.forDescriptorFile(descriptor));
        }
        if (descriptor.hasParent()) {
            problems.add(Finding.of(Check.VMDK_PARENT, "a delta disk: its unallocated grains come from the parent "
                    + descriptor.parentFileNameHint().map(n -> "\"" + DescriptorExtent.abbreviate(n) + "\"")
                            .orElse("with CID " + descriptor.field("parentCID").orElse("?"))));
        }
    }

    private void readDirectories(Limits limits) throws IOException {
        long entries = effective.grainDirectoryEntries();
        if (entries == 0) {
            return;
        }
        long bytes = entries * 4;
        limits.checkTableBytes("grain directory", bytes);
        gd = readDirectory("grain directory", effective.gdOffset(), (int) entries);
        if (effective.hasRedundantGrainDirectory()) {
            rgd = readDirectory("redundant grain directory", effective.rgdOffset(), (int) entries);
        }
        checkTableLocations();
    }

    private GrainDirectory readDirectory(String name, long sector, int entries) throws IOException {
        long bytes = roundUpToSector(entries * 4L);
        if (sector <= 0 || sector > fileSize / SECTOR || bytes > fileSize - sector * SECTOR) {
            throw new ImageFormatException(Check.VMDK_GRAIN_DIRECTORY, "the " + name + " (sector "
                    + Long.toUnsignedString(sector) + ", " + bytes + " bytes) is outside the file ("
                    + fileSize + " bytes)");
        }
        long start = sector * SECTOR;
        FileRegion region = new FileRegion(name, footerLayout ? start - SECTOR : start, start + bytes);
        for (FileRegion other : fixedRegions) {
            if (region.overlaps(other)) {
                throw new ImageFormatException(Check.VMDK_GRAIN_DIRECTORY, "the " + region + " overlaps the " + other);
            }
        }
        if (footerLayout) {
            StreamMarker marker = StreamMarker.parse(source.readBytes(start - SECTOR, 16), 0);
            if (!marker.isMetadata(StreamMarker.GRAIN_DIRECTORY) || !marker.covers(bytes / SECTOR)) {
                throw footerProblem("the footer puts the " + name + " at sector " + sector
                        + ", which does not follow a grain directory marker (found " + marker + ")");
            }
        }
        fixedRegions.add(region);
        return GrainDirectory.read(source, start, entries);
    }

    /**
     * Every grain table a directory names lies inside the file, outside the header, descriptor,
     * directories and footer, and apart from every other table (in a stream, with its marker).
     */
    private void checkTableLocations() throws ImageFormatException {
        long lead = footerLayout ? SECTOR : 0;
        int count = 0;
        for (GrainDirectory dir : directories()) {
            for (int i = 0; i < dir.size(); i++) {
                if (dir.tableOffset(i) != 0) {
                    count++;
                }
            }
        }
        int[] sectors = new int[count];
        int n = 0;
        for (GrainDirectory dir : directories()) {
            String name = dir == gd ? "grain directory" : "redundant grain directory";
            for (int i = 0; i < dir.size(); i++) {
                long start = dir.tableOffset(i);
                if (start == 0) {
                    continue;
                }
                if (start - lead < SECTOR || start + GRAIN_TABLE_BYTES > fileSize) {
                    throw new ImageFormatException(Check.VMDK_GRAIN_DIRECTORY, "entry " + i + " of the " + name
                            + " puts a grain table at byte " + start + ", outside the file (" + fileSize + " bytes)");
                }
                FileRegion inside = FileRegion.firstOverlapping(fixedRegions, start - lead, start + GRAIN_TABLE_BYTES);
                if (inside != null) {
                    throw new ImageFormatException(Check.VMDK_GRAIN_DIRECTORY, "entry " + i + " of the "
                            + name + " puts a grain table at byte " + start + ", inside the " + inside);
                }
                sectors[n++] = (int) (start / SECTOR) ^ Integer.MIN_VALUE;
            }
        }
        Arrays.sort(sectors);
        long spacing = (GRAIN_TABLE_BYTES + lead) / SECTOR;
        for (int i = 1; i < sectors.length; i++) {
            long a = Integer.toUnsignedLong(sectors[i - 1] ^ Integer.MIN_VALUE);
            long b = Integer.toUnsignedLong(sectors[i] ^ Integer.MIN_VALUE);
            if (b - a < spacing) {
                throw new ImageFormatException(Check.VMDK_GRAIN_DIRECTORY, "grain tables at sectors " + a + " and "
                        + b + " overlap: two directory entries share the same grains");
            }
        }
    }

    private List<GrainDirectory> directories() {
        return rgd == null ? List.of(gd) : List.of(gd, rgd);
    }

    static long roundUpToSector(long bytes) {
        return (bytes + SECTOR - 1) / SECTOR * SECTOR;
    }

    /**
     * Throws unless the part of an uncompressed grain that the disk reads lies inside the file
     * and outside the header, descriptor, directories and footer.
     */
    void checkGrainLocation(long grainIndex, long start, long length) throws ImageFormatException {
        if (start < 0 || start > fileSize || length > fileSize - start) {
            throw new ImageFormatException(Check.VMDK_GRAIN, "grain " + grainIndex + " (virtual byte "
                    + grainIndex * effective.grainBytes() + ") is at byte " + start + ", past the end of the file ("
                    + fileSize + " bytes)");
        }
        FileRegion inside = FileRegion.firstOverlapping(fixedRegions, start, start + length);
        if (inside != null) {
            throw new ImageFormatException(Check.VMDK_GRAIN, "grain " + grainIndex + " (virtual byte "
                    + grainIndex * effective.grainBytes() + ") is at byte " + start + ", inside the " + inside);
        }
    }

    /** Bytes of grain {@code grainIndex} that are part of the disk (the last grain may be cut short). */
    long grainLength(long grainIndex) {
        long start = grainIndex * effective.grainBytes();
        return Math.min(effective.grainBytes(), effective.capacityBytes() - start);
    }

    /** True when a grain table entry of 1 means "reads as zero". */
    boolean zeroedGrains() {
        return effective.zeroedGrainGtes();
    }

    public List<Finding> problems() {
        return problems;
    }

    public List<Finding> warnings() {
        return warnings;
    }

    /** True when the header, footer and directories were read; the disk can be opened if also safe. */
    public boolean complete() {
        return complete;
    }

    /** monolithicSparse or streamOptimized (from the header), or the createType a problem names. */
    public String subformat() {
        return subformat;
    }

    /** The virtual size, once the header passed validation. */
    public Optional<Long> virtualSize() {
        return validated ? Optional.of(effective.capacityBytes()) : Optional.empty();
    }

    /** Grain size in bytes, once the header passed validation. */
    public Optional<Integer> grainBytes() {
        return validated ? Optional.of(effective.grainBytes()) : Optional.empty();
    }

    /** The embedded descriptor, when there is one that parses. */
    public Optional<VmdkDescriptor> descriptor() {
        return Optional.ofNullable(descriptor);
    }

    /** The header at sector 0. */
    public SparseExtentHeader header() {
        return header;
    }

    /** The header that rules: the footer when the header says GD_AT_END. */
    public SparseExtentHeader effectiveHeader() {
        return effective;
    }

    /** True for a stream whose grain directory is found through the footer (tables carry markers). */
    boolean footerLayout() {
        return footerLayout;
    }

    ByteSource source() {
        return source;
    }

    long fileSize() {
        return fileSize;
    }

    GrainDirectory grainDirectory() {
        return gd;
    }

    GrainDirectory redundantGrainDirectory() {
        return rgd;
    }

    List<FileRegion> fixedRegions() {
        return fixedRegions;
    }
}
