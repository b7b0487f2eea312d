package org.glanceconvert.format.vmdk;

import java.util.Locale;

/**
 * One extent line of a descriptor: {@code ACCESS SECTORS TYPE ["FILENAME" [OFFSET]]}, e.g.
 * {@code RW 8388608 SPARSE "disk.vmdk"} or {@code RW 6144 FLAT "disk-flat.vmdk" 0}.
 *
 * @param access   RW, RDONLY or NOACCESS (upper case)
 * @param sectors  extent size in 512-byte sectors
 * @param type     SPARSE, FLAT, ZERO, VMFS, VMFSSPARSE, ... (upper case, as written otherwise)
 * @param fileName the quoted file name, or null when the line has none (ZERO extents)
 * @param offset   the sector offset into the file (FLAT), or -1 when absent
 */
public record DescriptorExtent(String access, long sectors, String type, String fileName, long offset) {

    public static final String SPARSE = "SPARSE";
    public static final String FLAT = "FLAT";
    public static final String ZERO = "ZERO";

    public boolean namesFile() {
        return fileName != null;
    }

    /** True when the name is more than a bare file name: a directory part or a climb out. */
    public boolean nameIsPath() {
        return fileName != null && (fileName.indexOf('/') >= 0 || fileName.indexOf('\\') >= 0
                || fileName.contains("..") || fileName.indexOf(':') >= 0);
    }

    /** Says what is wrong with the file name, for problem messages. */
    public String describeName() {
        if (fileName == null) {
            return "no file";
        }
        StringBuilder s = new StringBuilder("\"").append(abbreviate(fileName)).append('"');
        if (fileName.startsWith("/") || fileName.startsWith("\\") || fileName.matches("^[A-Za-z]:.*")) {
            s.append(" (an absolute path: any file on the host)");
        } else if (fileName.contains("..")) {
            s.append(" (a path containing '..': a file outside the image's directory)");
        } else if (nameIsPath()) {
            s.append(" (a path with '/': a file in another directory)");
        }
        return s.toString();
    }

    static String abbreviate(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 120 ? printable : printable.substring(0, 117) + "...";
    }

    @Override
    public String toString() {
        return access + " " + sectors + " " + type + (fileName == null ? "" : " \"" + abbreviate(fileName) + "\"")
                + (offset >= 0 ? " " + offset : "");
    }

    static String canonicalType(String type) {
        return type.toUpperCase(Locale.ROOT);
    }
}
