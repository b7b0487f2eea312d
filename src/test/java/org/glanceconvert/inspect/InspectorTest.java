package org.glanceconvert.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.junit.jupiter.api.Test;

class InspectorTest {

    /** A format whose signature is one byte at a fixed offset. */
    private record ByteSignature(String name, int offset, byte value) implements DiskFormat {
        @Override
        public boolean matches(ByteSource source) throws IOException {
            return source.size() > offset && source.readBytes(offset, 1)[0] == value;
        }

        @Override
        public FormatReport inspect(ByteSource source, Limits limits) throws IOException {
            source.readBytes(0, 64); // a header that may not be there
            return new FormatReport(name).virtualSize(4096);
        }
    }

    private final List<DiskFormat> formats = List.of(new ByteSignature("aaa", 0, (byte) 'A'),
            new ByteSignature("bbb", 100, (byte) 'B'));

    @Test
    void noSignatureIsRaw() throws IOException {
        InspectionReport r = new Inspector(Limits.DEFAULT, formats)
                .inspect(new MemoryByteSource("x", new byte[512]), "x", null);
        assertEquals("raw", r.format());
        assertEquals(512L, r.virtualSize());
        assertTrue(r.safe());
        assertEquals(null, r.declared());
    }

    @Test
    void twoSignaturesAreUnsafe() throws IOException {
        byte[] b = new byte[512];
        b[0] = 'A';
        b[100] = 'B';
        InspectionReport r = new Inspector(Limits.DEFAULT, formats).inspect(new MemoryByteSource("x", b), "x", null);
        assertEquals("aaa", r.format());
        assertFalse(r.safe());
        assertTrue(r.hasProblem(Check.FORMAT_MULTIPLE_MATCH.id()), r.problems().toString());
    }

    @Test
    void oneSignatureNearMissIsSafe() throws IOException {
        byte[] b = new byte[512];
        b[0] = 'A';
        b[101] = 'B';
        InspectionReport r = new Inspector(Limits.DEFAULT, formats).inspect(new MemoryByteSource("x", b), "x", null);
        assertEquals("aaa", r.format());
        assertTrue(r.safe(), r.problems().toString());
    }

    @Test
    void truncatedHeaderIsAProblemNotAnException() throws IOException {
        InspectionReport r = new Inspector(Limits.DEFAULT, formats)
                .inspect(new MemoryByteSource("x", new byte[] {'A', 0, 0}), "x", null);
        assertEquals("aaa", r.format());
        assertTrue(r.hasProblem(Check.FORMAT_TRUNCATED.id()), r.problems().toString());
    }

    @Test
    void readBudgetStopsAnInspection() throws IOException {
        Limits tiny = new Limits(Limits.TiB, Limits.MiB, Limits.MiB, Limits.MiB, 32, 1000);
        byte[] b = new byte[512];
        b[0] = 'A';
        InspectionReport r = new Inspector(tiny, formats).inspect(new MemoryByteSource("x", b), "x", null);
        assertTrue(r.hasProblem(Check.LIMITS_READ_BYTES.id()), r.problems().toString());
    }

    @Test
    void declaredFormatIsComparedByGlanceName() throws IOException {
        byte[] b = new byte[512];
        InspectionReport r = new Inspector(Limits.DEFAULT, formats).inspect(new MemoryByteSource("x", b), "x", "vmdk");
        assertEquals("vmdk", r.declared());
        assertFalse(r.matchesDeclared());
        r = new Inspector(Limits.DEFAULT, formats).inspect(new MemoryByteSource("x", b), "x", "RAW");
        assertTrue(r.matchesDeclared());
    }

    @Test
    void virtualSizeLimitIsAProblem() throws IOException {
        InspectionReport r = new Inspector(Limits.DEFAULT.withMaxVirtualSize(100), formats)
                .inspect(new MemoryByteSource("x", new byte[512]), "x", null);
        assertTrue(r.hasProblem(Check.LIMITS_VIRTUAL_SIZE.id()), r.problems().toString());
    }
}
