package org.glanceconvert.format.vmdk;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * A VMDK text descriptor: embedded in a sparse extent or a file of its own. Parsed strictly, the
 * way oslo's format_inspector does it: every line must be a comment, a header field
 * ({@code key=value}), an extent line or a disk database entry ({@code ddb.key = "value"}); anything
 * else, a repeated header field or non-text bytes make the descriptor unparseable, because two
 * tools reading such a descriptor differently is how format confusion starts.
 */
public final class VmdkDescriptor {

    public static final String MONOLITHIC_SPARSE = "monolithicSparse";
    public static final String STREAM_OPTIMIZED = "streamOptimized";
    /** No parent: the value of parentCID in a disk that stands alone. */
    public static final String NO_PARENT_CID = "ffffffff";

    /** QEMU's default virtual hardware version; ESXi imports version 4 disks into any newer VM. */
    static final String VIRTUAL_HW_VERSION = "4";
    /** "Tools newer than anything": what QEMU writes so vSphere does not offer a tools upgrade. */
    static final String TOOLS_VERSION = "2147483647";
    /** The extent file name written: it names the file itself, so any name without a path works. */
    static final String OWN_EXTENT_FILE = "disk.vmdk";

    /** createType values VMware documents, in their canonical spelling. */
    private static final List<String> KNOWN_CREATE_TYPES = List.of(MONOLITHIC_SPARSE, STREAM_OPTIMIZED,
            "monolithicFlat", "twoGbMaxExtentSparse", "twoGbMaxExtentFlat", "vmfs", "vmfsSparse", "vmfsThin",
            "vmfsPreallocated", "vmfsEagerZeroedThick", "vmfsRaw", "vmfsRawDeviceMap",
            "vmfsPassthroughRawDeviceMap", "seSparse", "fullDevice", "partitionedDevice", "custom");

    private static final Pattern FIELD_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_.]*");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");

    private final Map<String, String> fields;
    private final List<DescriptorExtent> extents;
    private final Map<String, String> ddb;

    private VmdkDescriptor(Map<String, String> fields, List<DescriptorExtent> extents, Map<String, String> ddb) {
        this.fields = fields;
        this.extents = extents;
        this.ddb = ddb;
    }

    /**
     * Parses descriptor bytes. Text ends at the first NUL (an embedded descriptor is padded with
     * zeros to whole sectors).
     */
    public static VmdkDescriptor parse(byte[] bytes) throws ImageFormatException {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, end)).toString();
        } catch (CharacterCodingException e) {
            throw new ImageFormatException(Check.VMDK_DESCRIPTOR, "the descriptor is not text (invalid UTF-8)");
        }
        return parse(text);
    }

    /** Parses descriptor text. */
    public static VmdkDescriptor parse(String text) throws ImageFormatException {
        Map<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Map<String, String> ddb = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        List<DescriptorExtent> extents = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int lineNo = i + 1;
            for (int c = 0; c < line.length(); c++) {
                char ch = line.charAt(c);
                if (ch < 0x20 && ch != '\t') {
                    throw problem(lineNo, "contains control characters");
                }
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String first = line.split("[ \t]", 2)[0].toUpperCase(Locale.ROOT);
            if (first.equals("RW") || first.equals("RDONLY") || first.equals("NOACCESS")) {
                extents.add(parseExtent(line, lineNo));
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw problem(lineNo, "is neither a comment, a field, an extent nor a ddb entry: "
                        + DescriptorExtent.abbreviate(line));
            }
            String key = line.substring(0, eq).strip();
            String value = unquote(line.substring(eq + 1).strip());
            if (!FIELD_KEY.matcher(key).matches()) {
                throw problem(lineNo, "has an invalid key: " + DescriptorExtent.abbreviate(line));
            }
            Map<String, String> target = key.regionMatches(true, 0, "ddb.", 0, 4) ? ddb : fields;
            if (target.put(key, value) != null) {
                throw problem(lineNo, "repeats " + key + ": tools would disagree on its value");
            }
        }
        return new VmdkDescriptor(Collections.unmodifiableMap(fields), List.copyOf(extents),
                Collections.unmodifiableMap(ddb));
    }

    private static DescriptorExtent parseExtent(String line, int lineNo) throws ImageFormatException {
        String[] head = line.split("[ \t]+", 4);
        if (head.length < 3) {
            throw problem(lineNo, "is an incomplete extent line: " + DescriptorExtent.abbreviate(line));
        }
        if (!DECIMAL.matcher(head[1]).matches() || Long.parseLong(head[1]) <= 0) {
            throw problem(lineNo, "has an invalid extent size: " + DescriptorExtent.abbreviate(line));
        }
        long sectors = Long.parseLong(head[1]);
        String type = DescriptorExtent.canonicalType(head[2]);
        String rest = head.length > 3 ? head[3].strip() : "";
        String fileName = null;
        long offset = -1;
        if (!rest.isEmpty()) {
            if (rest.charAt(0) != '"') {
                throw problem(lineNo, "has an unquoted file name: " + DescriptorExtent.abbreviate(line));
            }
            int close = rest.indexOf('"', 1);
            if (close < 0) {
                throw problem(lineNo, "has an unterminated file name: " + DescriptorExtent.abbreviate(line));
            }
            fileName = rest.substring(1, close);
            if (fileName.isEmpty()) {
                throw problem(lineNo, "has an empty file name");
            }
            String after = rest.substring(close + 1).strip();
            if (!after.isEmpty()) {
                if (!DECIMAL.matcher(after).matches()) {
                    throw problem(lineNo, "has an invalid extent offset: " + DescriptorExtent.abbreviate(line));
                }
                offset = Long.parseLong(after);
            }
        }
        return new DescriptorExtent(head[0].toUpperCase(Locale.ROOT), sectors, type, fileName, offset);
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static ImageFormatException problem(int line, String what) {
        return new ImageFormatException(Check.VMDK_DESCRIPTOR, "descriptor line " + line + " " + what);
    }

    /** A header field ({@code version}, {@code CID}, {@code createType}, ...), unquoted. */
    public Optional<String> field(String key) {
        return Optional.ofNullable(fields.get(key));
    }

    /** The createType as VMware spells it when it is a known type, else as written. */
    public Optional<String> createType() {
        return field("createType").map(VmdkDescriptor::canonicalCreateType);
    }

    static String canonicalCreateType(String type) {
        for (String known : KNOWN_CREATE_TYPES) {
            if (known.equalsIgnoreCase(type)) {
                return known;
            }
        }
        return DescriptorExtent.abbreviate(type);
    }

    /** True for the two single-file types whose data is inside the file itself. */
    public static boolean isMonolithicSparse(String createType) {
        return MONOLITHIC_SPARSE.equals(createType) || STREAM_OPTIMIZED.equals(createType);
    }

    public List<DescriptorExtent> extents() {
        return extents;
    }

    /** A disk database entry, e.g. {@code ddb("adapterType")} for {@code ddb.adapterType}. */
    public Optional<String> ddb(String key) {
        return Optional.ofNullable(ddb.get("ddb." + key));
    }

    /** The virtual adapter ({@code ide}, {@code lsilogic}, {@code buslogic}, {@code legacyESX}, ...). */
    public Optional<String> adapterType() {
        return ddb("adapterType");
    }

    /** The parent of a delta disk, when the descriptor names one. */
    public Optional<String> parentFileNameHint() {
        return field("parentFileNameHint").filter(s -> !s.isEmpty());
    }

    /** True when the descriptor says the disk is a delta on top of a parent. */
    public boolean hasParent() {
        return parentFileNameHint().isPresent() || field("parentCID")
                .map(cid -> !cid.equalsIgnoreCase(NO_PARENT_CID)).orElse(false);
    }

    /** Sum of the extents' sizes in bytes, or -1 if it overflows. */
    public long extentBytes() {
        long sectors = 0;
        for (DescriptorExtent e : extents) {
            sectors += e.sectors();
            if (sectors < 0 || sectors > Long.MAX_VALUE / SparseExtentHeader.SECTOR) {
                return -1;
            }
        }
        return sectors * SparseExtentHeader.SECTOR;
    }

    /**
     * The descriptor glance-convert writes into a sparse extent: one SPARSE extent (the file
     * itself) and the disk database entries QEMU writes and ESXi accepts; LF line endings,
     * ASCII only.
     *
     * @param cid content id; there is never a parent
     */
    public static String encode(String createType, long capacitySectors,
                                VmdkWriterOptions.AdapterType adapter, int cid) {
        int heads = adapter.heads();
        long cylinders = capacitySectors / (63L * heads);
        StringBuilder d = new StringBuilder(512);
        d.append("# Disk DescriptorFile\n");
        d.append("version=1\n");
        d.append(String.format(Locale.ROOT, "CID=%08x\n", cid));
        d.append("parentCID=").append(NO_PARENT_CID).append('\n');
        d.append("createType=\"").append(createType).append("\"\n");
        d.append('\n');
        d.append("# Extent description\n");
        d.append("RW ").append(capacitySectors).append(" SPARSE \"").append(OWN_EXTENT_FILE).append("\"\n");
        d.append('\n');
        d.append("# The Disk Data Base\n");
        d.append("#DDB\n");
        d.append('\n');
        d.append("ddb.virtualHWVersion = \"").append(VIRTUAL_HW_VERSION).append("\"\n");
        d.append("ddb.geometry.cylinders = \"").append(cylinders).append("\"\n");
        d.append("ddb.geometry.heads = \"").append(heads).append("\"\n");
        d.append("ddb.geometry.sectors = \"63\"\n");
        d.append("ddb.adapterType = \"").append(adapter.descriptorValue()).append("\"\n");
        d.append("ddb.toolsVersion = \"").append(TOOLS_VERSION).append("\"\n");
        return d.toString();
    }

    /** {@link #encode} as bytes. */
    public static byte[] encodeBytes(String createType, long capacitySectors,
                                     VmdkWriterOptions.AdapterType adapter, int cid) {
        return encode(createType, capacitySectors, adapter, cid).getBytes(StandardCharsets.US_ASCII);
    }
}
