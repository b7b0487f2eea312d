package org.glanceconvert.format.qcow2;

import static org.glanceconvert.format.qcow2.SourceReads.getInt;
import static org.glanceconvert.format.qcow2.SourceReads.getLong;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.glanceconvert.image.Check;
import org.glanceconvert.inspect.Finding;

/**
 * The header extensions after the fixed header (qcow2.txt "Header extensions"), walked by their
 * lengths and never past the end of the header cluster. Unknown types are skipped; problems are
 * collected, and the walk stops at the first extension that does not fit.
 */
final class HeaderExtensions {
    static final int END = 0;
    static final int BACKING_FORMAT = 0xE2792ACA;
    static final int FEATURE_TABLE = 0x6803F857;
    static final int BITMAPS = 0x23852875;
    static final int ENCRYPTION_HEADER = 0x0537BE77;
    static final int DATA_FILE = 0x44415441;
    private static final int FEATURE_ENTRY = 48;
    private static final int BITMAPS_LENGTH = 24;

    /** The bitmaps extension: where the persistent dirty bitmaps' directory lives. */
    record Bitmaps(long count, long directorySize, long directoryOffset) {
    }

    /** The full disk encryption header pointer. */
    record EncryptionHeader(long offset, long length) {
    }

    String backingFormat;
    String dataFile;
    Bitmaps bitmaps;
    EncryptionHeader encryptionHeader;
    /** Feature names by "type:bit" (type 0 incompatible, 1 compatible, 2 autoclear). */
    final Map<String, String> featureNames = new HashMap<>();
    final List<Finding> problems = new ArrayList<>();
    /** True when the walk met bytes the file does not have (it ends inside the header cluster). */
    boolean truncated;

    /**
     * Walks the extensions in {@code cluster} (the file's first bytes, at most one cluster) from
     * {@code start} up to {@code limit} (the cluster size).
     */
    static HeaderExtensions parse(byte[] cluster, int start, int limit) {
        HeaderExtensions ext = new HeaderExtensions();
        ext.walk(cluster, start, limit);
        return ext;
    }

    private void walk(byte[] b, int start, int limit) {
        Set<Integer> seen = new HashSet<>();
        long pos = start;
        while (true) {
            if (pos == limit) {
                return; // the area may fill the cluster exactly, without an end marker
            }
            if (pos + 8 > limit) {
                problem("the header extension at byte " + pos + " runs past the end of the header cluster ("
                        + limit + " bytes) without an end marker");
                return;
            }
            if (pos + 8 > b.length) {
                truncated = true;
                return;
            }
            int type = getInt(b, (int) pos);
            long length = getInt(b, (int) pos + 4) & 0xFFFF_FFFFL;
            if (type == END) {
                return;
            }
            long data = pos + 8;
            long end = data + length;
            if (end > limit) {
                problem(String.format("header extension 0x%08x at byte %d claims %d bytes, past the end of the"
                        + " header cluster (%d bytes)", type, pos, length, limit));
                return;
            }
            if (end > b.length) {
                truncated = true;
                return;
            }
            if (isKnown(type) && !seen.add(type)) {
                problem(String.format("header extension 0x%08x appears twice", type));
            }
            read(type, b, (int) data, (int) length);
            pos = (end + 7) & ~7L;
        }
    }

    private static boolean isKnown(int type) {
        return type == BACKING_FORMAT || type == FEATURE_TABLE || type == BITMAPS || type == ENCRYPTION_HEADER
                || type == DATA_FILE;
    }

    private void read(int type, byte[] b, int at, int length) {
        switch (type) {
            case BACKING_FORMAT -> backingFormat = printable(b, at, length);
            case DATA_FILE -> dataFile = printable(b, at, length);
            case FEATURE_TABLE -> {
                for (int e = at; e + FEATURE_ENTRY <= at + length; e += FEATURE_ENTRY) {
                    int nameLength = 0;
                    while (nameLength < FEATURE_ENTRY - 2 && b[e + 2 + nameLength] != 0) {
                        nameLength++;
                    }
                    featureNames.put((b[e] & 0xFF) + ":" + (b[e + 1] & 0xFF), printable(b, e + 2, nameLength));
                }
            }
            case BITMAPS -> {
                if (length != BITMAPS_LENGTH) {
                    problem("bitmaps extension of " + length + " bytes (expected " + BITMAPS_LENGTH + ")");
                    return;
                }
                bitmaps = new Bitmaps(getInt(b, at) & 0xFFFF_FFFFL, getLong(b, at + 8), getLong(b, at + 16));
                if (bitmaps.count() == 0 || getInt(b, at + 4) != 0) {
                    problem("bitmaps extension with no bitmaps or reserved bits set");
                }
            }
            case ENCRYPTION_HEADER -> {
                if (length != 16) {
                    problem("encryption header extension of " + length + " bytes (expected 16)");
                    return;
                }
                encryptionHeader = new EncryptionHeader(getLong(b, at), getLong(b, at + 8));
            }
            default -> {
                // Unknown extensions may be safely ignored (qcow2.txt).
            }
        }
    }

    /** The feature's name from the feature table, or its bit number. */
    String featureName(int type, int bit) {
        String name = featureNames.get(type + ":" + bit);
        return name == null || name.isEmpty() ? "bit " + bit : "bit " + bit + " (" + name + ")";
    }

    private void problem(String message) {
        problems.add(Finding.of(Check.QCOW2_EXTENSION, message));
    }

    /** A string from the image, made safe to print in a report: controls replaced, length capped. */
    static String printable(byte[] b, int at, int length) {
        String s = new String(b, at, Math.min(length, 256), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return length > 256 ? out + "..." : out.toString();
    }
}
