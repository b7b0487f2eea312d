package org.glanceconvert.format.unsupported;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;

/** Small helpers shared by the detection-only formats. */
final class Signatures {
    private Signatures() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** True when {@code magic} sits at {@code offset}; false (never an exception) for short files. */
    static boolean at(ByteSource source, long offset, byte[] magic) throws IOException {
        if (offset < 0 || source.size() < offset + magic.length) {
            return false;
        }
        return Arrays.equals(source.readBytes(offset, magic.length), magic);
    }

    /** The header bytes, or as many as the file has. */
    static ByteBuffer header(ByteSource source, int length, ByteOrder order) throws IOException {
        int n = (int) Math.min(length, source.size());
        byte[] bytes = new byte[length];
        System.arraycopy(source.readBytes(0, n), 0, bytes, 0, n);
        return ByteBuffer.wrap(bytes).order(order);
    }

    /** The report of a format that is recognised and refused. */
    static FormatReport refused(String name, String reason) {
        return new FormatReport(name).problem(Check.FORMAT_UNSUPPORTED, reason);
    }
}
