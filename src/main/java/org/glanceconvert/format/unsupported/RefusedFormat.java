package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Limits;

/**
 * A format glance-convert recognises by its magic and refuses: inspection names it, gives the
 * reason and, where the header states a plausible one, the virtual size; it is never opened.
 * A subclass says what its header means.
 */
abstract class RefusedFormat implements DiskFormat {
    private final String name;
    private final int headerLength;
    private final ByteOrder order;
    private final byte[][] magics;

    /**
     * @param headerLength bytes of header the subclass reads (zero-filled past a short file's end)
     * @param magics       the signatures at offset 0, any of which identifies the format
     */
    RefusedFormat(String name, int headerLength, ByteOrder order, byte[]... magics) {
        this.name = name;
        this.headerLength = headerLength;
        this.order = order;
        this.magics = magics;
    }

    @Override
    public final String name() {
        return name;
    }

    /** One of the magics at offset 0. */
    @Override
    public boolean matches(ByteSource source) throws IOException {
        for (byte[] magic : magics) {
            if (Signatures.at(source, 0, magic)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public final FormatReport inspect(ByteSource source, Limits limits) throws IOException {
        ByteBuffer header = Signatures.header(source, headerLength, order);
        FormatReport report = Signatures.refused(name, reason(header));
        long size = virtualSize(source, header);
        if (size >= 0) {
            report.virtualSize(size);
        }
        return report;
    }

    /** Why the image is refused, as one sentence naming the format. */
    abstract String reason(ByteBuffer header);

    /** The virtual size the image states, or -1 when the file is too short to say or the value is impossible. */
    abstract long virtualSize(ByteSource source, ByteBuffer header) throws IOException;

    /** {@code bytes} when the file holds the field ending at {@code fieldEnd} and the value is not negative, else -1. */
    static long stated(ByteSource source, int fieldEnd, long bytes) throws IOException {
        return source.size() >= fieldEnd && bytes >= 0 ? bytes : -1;
    }

    /** A size given in 512-byte sectors, or -1 when it does not fit a long. */
    static long sectors(long sectors) {
        return sectors >= 0 && sectors <= Long.MAX_VALUE / 512 ? sectors * 512 : -1;
    }
}
