package org.glanceconvert.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertCommandTest {
    @TempDir
    Path dir;
    private Path source;
    private Supplier<WritableByteChannel> realStdout;

    @BeforeEach
    void makeSource() throws IOException {
        source = TestImages.patternedRaw(dir.resolve("disk.raw"), 2L * 1024 * 1024 + 512, 9);
        realStdout = ConvertCommand.standardOutput;
    }

    @AfterEach
    void restoreStdout() {
        ConvertCommand.standardOutput = realStdout;
    }

    @Test
    void convertsToQcow2AndRawWithExit0() throws IOException {
        QemuImg.assumeAvailable();
        Path qcow2 = dir.resolve("out.qcow2");
        CliRunner.Outcome o = CliRunner.run("convert", "-O", "qcow2", "-o", "cluster_size=4k", source.toString(),
                qcow2.toString());
        assertEquals(0, o.exitCode(), o.err());
        assertEquals(0, QemuImg.compare(source, "raw", qcow2, "qcow2").exitCode());
        assertEquals(4096, QemuImg.info(qcow2).get("cluster-size").asLong());

        Path zstd = dir.resolve("out-zstd.qcow2");
        o = CliRunner.run("convert", "-f", "raw", "-O", "qcow2", "-c", "-o", "compression_type=zstd",
                source.toString(), zstd.toString());
        assertEquals(0, o.exitCode(), o.err());
        assertEquals(0, QemuImg.compare(source, "raw", zstd, "qcow2").exitCode());
        assertEquals(0, QemuImg.check(zstd, "qcow2").exitCode());

        if (DiskFormats.byName("qcow2").isPresent()) {
            Path raw = dir.resolve("back.raw");
            o = CliRunner.run("convert", "-f", "qcow2", "-O", "raw", "-p", zstd.toString(), raw.toString());
            assertEquals(0, o.exitCode(), o.err());
            assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(raw));
        }
        assertNoTemporaryFiles();
    }

    @Test
    void replacesAnExistingDestinationOnlyWhenDone() throws IOException {
        Path out = dir.resolve("existing.raw");
        Files.writeString(out, "old content");
        CliRunner.Outcome o = CliRunner.run("convert", "-O", "raw", source.toString(), out.toString());
        assertEquals(0, o.exitCode(), o.err());
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(out));
    }

    @Test
    void writesStreamableOutputsToStandardOutput() throws IOException {
        QemuImg.assumeAvailable();
        Path captured = dir.resolve("stdout.qcow2");
        try (FileChannel ch = FileChannel.open(captured, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ConvertCommand.standardOutput = () -> ch;
            CliRunner.Outcome o = CliRunner.run("convert", "-O", "qcow2", source.toString(), "-");
            assertEquals(0, o.exitCode(), o.err());
            assertEquals("", o.out(), "nothing but the image goes to stdout");
        }
        assertEquals(0, QemuImg.compare(source, "raw", captured, "qcow2").exitCode());
        assertEquals(0, QemuImg.check(captured, "qcow2").exitCode());
    }

    @Test
    void aStreamedQcow2LeavesTheZerosOfAFileWithoutHolesUnallocated() throws IOException {
        QemuImg.assumeAvailable();
        byte[] bytes = new byte[6 << 20];
        bytes[(2 << 20) + 5] = 1;
        bytes[bytes.length - 1] = 2;
        Path full = Files.write(dir.resolve("full.raw"), bytes); // no holes: every byte is a DATA extent
        Path captured = dir.resolve("full-stdout.qcow2");
        CliRunner.Outcome o = CliRunner.runToStandardOutput(captured, "convert", "-O", "qcow2", full.toString(), "-");
        assertEquals(0, o.exitCode(), o.err());
        assertEquals(0, QemuImg.compare(full, "raw", captured, "qcow2").exitCode());
        assertEquals(0, QemuImg.check(captured, "qcow2").exitCode());
        long data = 0;
        for (var e : QemuImg.map(captured, "qcow2")) {
            data += e.get("data").asBoolean() ? e.get("length").asLong() : 0;
        }
        assertEquals(2L * 65536, data, "one cluster per non-zero byte, none for the zeros");
    }

    @Test
    void refusesToStreamCompressedQcow2WithExit1() {
        ConvertCommand.standardOutput = () -> {
            throw new AssertionError("nothing may be written");
        };
        CliRunner.Outcome o = CliRunner.run("convert", "-O", "qcow2", "-c", source.toString(), "-");
        assertEquals(1, o.exitCode());
        assertTrue(o.err().contains("cannot be written to standard output"), o.err());
    }

    @Test
    void usageErrorsAreExit2() {
        assertEquals(2, CliRunner.run("convert").exitCode());
        assertEquals(2, CliRunner.run("convert", source.toString(), dir.resolve("x").toString()).exitCode(), "no -O");
        assertEquals(2, CliRunner.run("convert", "-O", "qcow2", source.toString()).exitCode(), "no DST");
        CliRunner.Outcome unknown = CliRunner.run("convert", "-O", "qed", source.toString(), dir.resolve("x").toString());
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown output format"), unknown.err());
        assertEquals(2, CliRunner.run("convert", "-O", "qcow2", "-o", "cluster_size", source.toString(),
                dir.resolve("x").toString()).exitCode(), "malformed -o");
        assertEquals(2, CliRunner.run("convert", "-f", "nosuch", "-O", "raw", source.toString(),
                dir.resolve("x").toString()).exitCode(), "unknown -f");
        assertEquals(2, CliRunner.run("convert", "-O", "raw", source.toString(), source.toString()).exitCode(),
                "DST is SRC");
        assertEquals(2, CliRunner.run("convert", "--threads", "0", "-O", "raw", source.toString(),
                dir.resolve("x").toString()).exitCode(), "no threads");
        CliRunner.Outcome cache = CliRunner.run("convert", "-t", "directsync", "-O", "raw", source.toString(),
                dir.resolve("x").toString());
        assertEquals(2, cache.exitCode(), "unknown -t");
        assertTrue(cache.err().contains("known: auto, writeback, none"), cache.err());
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void missingSourceIsExit2() {
        CliRunner.Outcome o = CliRunner.run("convert", "-O", "qcow2", dir.resolve("nope.raw").toString(),
                dir.resolve("out.qcow2").toString());
        assertEquals(2, o.exitCode());
        assertTrue(o.err().contains("no such file"), o.err());
        assertFalse(Files.exists(dir.resolve("out.qcow2")));
    }

    @Test
    void aSourceThatIsNotTheAssertedFormatIsRefusedWithWhatItIs() throws IOException {
        Path out = dir.resolve("out.raw");
        CliRunner.Outcome o = CliRunner.run("convert", "-f", "qcow2", "-O", "raw", source.toString(), out.toString());
        assertEquals(1, o.exitCode());
        assertTrue(o.err().contains("is raw, not qcow2"), o.err());
        assertTrue(o.err().contains("format.mismatch"), o.err());
        assertFalse(Files.exists(out));
        assertNoTemporaryFiles();
    }

    @Test
    void anUnsafeSourceIsRefusedWithTheReason() throws IOException {
        Path out = dir.resolve("out.qcow2");
        CliRunner.Outcome o = CliRunner.run("convert", "--max-virtual-size", "4096", "-O", "qcow2",
                source.toString(), out.toString());
        assertEquals(1, o.exitCode());
        assertTrue(o.err().contains("limits.virtual_size"), o.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void outputsBeyondTheFormatsLimitsAndUnknownOptionsAreRefusedBeforeWriting() throws IOException {
        Path big = TestImages.sparseRaw(dir.resolve("big.raw"), 200L << 30, 0);
        Path out = dir.resolve("big.qcow2");
        CliRunner.Outcome o = CliRunner.run("convert", "-O", "qcow2", "-o", "cluster_size=512", big.toString(),
                out.toString());
        assertEquals(1, o.exitCode());
        assertTrue(o.err().contains("limits.virtual_size"), o.err());
        o = CliRunner.run("convert", "-O", "qcow2", "-o", "subformat=fixed", source.toString(), out.toString());
        assertEquals(1, o.exitCode());
        assertTrue(o.err().contains("subformat"), o.err());
        assertFalse(Files.exists(out));
        assertNoTemporaryFiles();
    }

    @Test
    void aContractFormatWithoutWriterYetIsExit1() {
        String missing = Stream.of("vmdk", "vhd", "vhdx").filter(f -> DiskFormats.writer(f).isEmpty())
                .findFirst().orElse(null);
        assumeTrue(missing != null, "every output format has a writer");
        CliRunner.Outcome o = CliRunner.run("convert", "-O", missing, source.toString(),
                dir.resolve("x").toString());
        assertEquals(1, o.exitCode());
        assertTrue(o.err().contains("not supported yet"), o.err());
    }

    private void assertNoTemporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> temps = files.filter(p -> p.getFileName().toString().contains(".tmp-")).toList();
            assertEquals(List.of(), temps);
        }
    }
}
