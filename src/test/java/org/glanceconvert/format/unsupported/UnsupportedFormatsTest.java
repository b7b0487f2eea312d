package org.glanceconvert.format.unsupported;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Formats that are detected and refused: made by qemu-img where it can, crafted otherwise. */
class UnsupportedFormatsTest {
    private static final long MiB = 1 << 20;

    @TempDir
    Path dir;

    private static InspectionReport inspect(byte[] image) throws IOException {
        return TestImages.inspect(image, "x");
    }

    private static void assertRefusedAs(String name, Long virtualSize, byte[] image) throws IOException {
        InspectionReport r = inspect(image);
        assertEquals(name, r.format());
        assertFalse(r.safe());
        assertEquals(1, r.problems().size(), r.problems().toString());
        assertEquals(Check.FORMAT_UNSUPPORTED.id(), r.problems().get(0).check());
        assertEquals(virtualSize, r.virtualSize());
        DiskFormat format = DiskFormats.byName(name).orElseThrow();
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> format.open(new MemoryByteSource("x", image), Limits.DEFAULT));
        assertEquals(Check.FORMAT_UNSUPPORTED, e.check());
        assertEquals(Check.FORMAT_UNSUPPORTED.id(),
                format.check(new MemoryByteSource("x", image), Limits.DEFAULT).get(0).check());
        for (int length : new int[] {0, 8, 20, 40, 60, 100, 200, 511, 512}) {
            if (length < image.length) {
                // never an exception; refused whenever the magic survives
                InspectionReport cut = inspect(Arrays.copyOf(image, length));
                assertTrue(cut.format().equals(name) && !cut.safe() || cut.format().equals("raw"),
                        name + " cut to " + length + ": " + cut);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "qed, qed, false",
        "qcow, qcow, false",
        "parallels, ploop, false",
        "luks, luks, true",
    })
    void qemuImgMadeImages(String qemuFormat, String name, boolean encrypted) throws IOException {
        QemuImg.assumeAvailable();
        Path image = dir.resolve("image." + qemuFormat);
        if (!encrypted) {
            QemuImg.create(image, qemuFormat, null, 3 * MiB);
        } else {
            // qemu times its PBKDF benchmark on the CPU clock and gives up now and then on a busy
            // machine ("Unable to get accurate CPU usage"): try a few times.
            QemuImg.Result made = null;
            for (int attempt = 0; attempt < 5 && (made == null || made.exitCode() != 0); attempt++) {
                made = QemuImg.run("create", "-q", "-f", qemuFormat, "--object", "secret,id=s0,data=pw",
                        "-o", "key-secret=s0,iter-time=100", image.toString(), Long.toString(3 * MiB));
            }
            made.orThrow();
        }
        JsonNode info = QemuImg.info(image);
        assertEquals(qemuFormat, info.get("format").asText());
        assertRefusedAs(name, info.get("virtual-size").asLong(), Files.readAllBytes(image));
        try (FileByteSource source = FileByteSource.open(image)) {
            InspectionReport r = new Inspector(Limits.DEFAULT).inspect(source, image.toString(), qemuFormat);
            assertTrue(r.matchesDeclared(), "qemu-img's name " + qemuFormat + " means " + name);
        }
    }

    @Test
    void luks2() throws IOException {
        byte[] image = new byte[64 * 1024];
        put(image, 0, "LUKS".getBytes(StandardCharsets.US_ASCII));
        image[4] = (byte) 0xba;
        image[5] = (byte) 0xbe;
        image[7] = 2;
        assertRefusedAs("luks", null, image);
        assertTrue(inspect(image).problems().get(0).message().contains("never decrypts"));
    }

    @Test
    void oldParallelsMagicKeepsOnlyTheLow32BitsOfTheSectorCount() throws IOException {
        byte[] image = new byte[4096];
        put(image, 0, ascii("WithoutFreeSpace"));
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(16, 2);
        b.putLong(36, (7L << 32) | 2048);
        assertRefusedAs("ploop", 2048L * 512, image);
    }

    @Test
    void dmgTrailer() throws IOException {
        byte[] image = new byte[8192];
        int trailer = image.length - 512;
        put(image, trailer, ascii("koly"));
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.BIG_ENDIAN);
        b.putInt(trailer + 4, 4);
        b.putInt(trailer + 8, 512);
        b.putLong(trailer + 492, 100);
        assertRefusedAs("dmg", 100L * 512, image);
    }

    @ParameterizedTest(name = "version {0}")
    @CsvSource({"65536, 84", "131072, 88"})
    void bochs(int version, int sizeField) throws IOException {
        byte[] image = new byte[1024];
        put(image, 0, ascii("Bochs Virtual HD Image"));
        put(image, 32, ascii("Redolog"));
        put(image, 48, ascii("Growing"));
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(64, version);
        b.putInt(68, 512);
        b.putLong(sizeField, 10 * MiB);
        assertRefusedAs("bochs", 10 * MiB, image);
    }

    @Test
    void cloop() throws IOException {
        byte[] image = new byte[1024];
        put(image, 0, ascii("#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n"));
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.BIG_ENDIAN);
        b.putInt(128, 65536);
        b.putInt(132, 48);
        assertRefusedAs("cloop", 48L * 65536, image);
    }

    @Test
    void qcow2MagicWithVersion2IsNotQcow() throws IOException {
        byte[] image = new byte[512];
        put(image, 0, new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 2});
        assertFalse(new QcowFormat().matches(new MemoryByteSource("x", image)));
    }

    /** Each signature with one byte changed, or one byte out of place, is raw. */
    @Test
    void nearMissesAreRaw() throws IOException {
        List<byte[]> misses = List.of(
                at(0, new byte[] {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbf}),
                at(1, new byte[] {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe}),
                at(0, new byte[] {'Q', 'E', 'D', 1}),
                at(0, new byte[] {'Q', 'E', 'E', 0}),
                at(0, new byte[] {'Q', 'F', 'I', (byte) 0xfa, 0, 0, 0, 1}),
                at(0, ascii("WithoutFreeSpacf")),
                at(0, ascii("WithouFreSpacExx")),
                at(1, ascii("WithoutFreeSpace")),
                at(0, ascii("Bochs Virtual HD Imagf\0")),
                at(0, ascii("Bochs Virtual HD Images")),
                at(0, ascii("#!/bin/sh\n#V2.1 Format\n")),
                at(0, ascii("#!/bin/bash\n#V2.0 Format\n")),
                at(4096 - 511, ascii("koly")),
                at(4096 - 512, ascii("kolx")));
        for (int i = 0; i < misses.size(); i++) {
            InspectionReport r = inspect(misses.get(i));
            assertEquals("raw", r.format(), "near miss " + i);
            assertTrue(r.safe(), "near miss " + i + ": " + r.problems());
            assertNull(r.partitionTable());
        }
    }

    private static byte[] at(int offset, byte[] magic) {
        byte[] image = new byte[4096];
        put(image, offset, magic);
        return image;
    }

    private static void put(byte[] image, int offset, byte[] bytes) {
        System.arraycopy(bytes, 0, image, offset, bytes.length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
