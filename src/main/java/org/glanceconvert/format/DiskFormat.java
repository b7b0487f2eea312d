package org.glanceconvert.format;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;

/**
 * One on-disk format: its signature, its inspection, and (when it can be converted) its reader.
 * Implementations live in one sub-package per format and are listed in {@link DiskFormats}.
 */
public interface DiskFormat {

    /** The name reported as {@code format}: Glance's disk_format, or a detection-only name. */
    String name();

    /**
     * True when the source carries this format's signature. Reads only a few bytes at fixed
     * offsets; must not throw for short or odd files (answer false).
     */
    boolean matches(ByteSource source) throws IOException;

    /**
     * Parses the header and the top-level tables (never L2/grain tables, never decompresses),
     * bounds-checks every entry it reads, and records each failed check as a problem. Throwing
     * {@link ImageFormatException} is allowed for a problem that stops the parse; the inspector
     * records it.
     */
    FormatReport inspect(ByteSource source, Limits limits) throws IOException;

    /**
     * Full structural validation for {@code check}: what {@link #inspect} finds plus everything
     * below the top-level tables (every L2/grain table and data pointer inside the file, no
     * overlaps, refcounts, checksums). Returns the problems; none means clean. The default
     * inspects and then walks every extent through the reader.
     */
    default List<Finding> check(ByteSource source, Limits limits) throws IOException {
        FormatReport report = inspect(source, limits);
        List<Finding> problems = new ArrayList<>(report.problems());
        if (problems.isEmpty()) {
            try (VirtualDisk disk = open(source, limits)) {
                ExtentCursor cursor = disk.extents(0);
                while (cursor.next() != null) {
                    // walking validates every table entry on the way
                }
            } catch (ImageFormatException e) {
                problems.add(Finding.of(e));
            }
        }
        return problems;
    }

    /**
     * Opens the image as a virtual disk. Formats that are only detected refuse with
     * {@link Check#FORMAT_UNSUPPORTED}. Callers inspect first and never open an unsafe image; the
     * reader still checks every offset it follows.
     */
    default VirtualDisk open(ByteSource source, Limits limits) throws IOException {
        throw new ImageFormatException(Check.FORMAT_UNSUPPORTED,
                name() + " images are detected but not converted");
    }
}
