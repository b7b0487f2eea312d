package org.glanceconvert.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.glanceconvert.cli.CliRunner;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.Limits;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.glanceconvert.testing.WriterFixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conversion matrix of issue 4: every input variant the readers handle, converted by the real
 * {@code convert} command into every output format, judged by qemu-img — {@code compare} says the
 * output holds exactly the input's virtual disk, {@code info} gives it the same virtual size,
 * {@code check} finds nothing wrong (qemu-img cannot check vhd or raw: the project's own
 * {@code check} judges VHD structures, and raw has none) — and the streamable outputs (raw,
 * qcow2, streamOptimized vmdk) also written to standard output.
 *
 * <p>By default a representative subset runs: every input into two outputs and one stream, every
 * output from at least five inputs, in well under a minute. The whole matrix:
 * {@code mvn -B test -Dtest=ConversionMatrixTest -Dmatrix=full}.
 */
class ConversionMatrixTest {
    /** A few MiB, not a multiple of any cluster, grain or block size. */
    private static final long SIZE = 3 * Limits.MiB + 5 * 512;
    private static final Path REAL = Path.of("src/test/resources/corpus/real");
    private static final boolean FULL = "full".equals(System.getProperty("matrix"));

    /** An input image and the name qemu-img gives its format. */
    private record Input(Path file, String qemuFormat) {
    }

    /** An output format, the convert options that ask for it, and how the oracles judge it. */
    private record Output(String qemuFormat, boolean qemuChecks, boolean streamable, String... options) {
    }

    private static final Map<String, Output> OUTPUTS = new LinkedHashMap<>();

    static {
        OUTPUTS.put("raw", new Output("raw", false, true, "-O", "raw"));
        OUTPUTS.put("qcow2", new Output("qcow2", true, true, "-O", "qcow2"));
        OUTPUTS.put("qcow2-zlib", new Output("qcow2", true, false, "-O", "qcow2", "-c", "-o", "compression_type=zlib"));
        OUTPUTS.put("qcow2-zstd", new Output("qcow2", true, false, "-O", "qcow2", "-c", "-o", "compression_type=zstd"));
        OUTPUTS.put("vmdk-streamOptimized", new Output("vmdk", true, true, "-O", "vmdk", "-o",
                "subformat=streamOptimized"));
        OUTPUTS.put("vmdk-monolithicSparse", new Output("vmdk", true, false, "-O", "vmdk", "-o",
                "subformat=monolithicSparse"));
        OUTPUTS.put("vhd-dynamic", new Output("vpc", false, false, "-O", "vhd", "-o", "subformat=dynamic"));
        OUTPUTS.put("vhd-fixed", new Output("vpc", false, false, "-O", "vpc", "-o", "subformat=fixed"));
        OUTPUTS.put("vhdx", new Output("vhdx", true, false, "-O", "vhdx"));
    }

    /** Input names, in the order the representative subset pairs them with outputs. */
    private static final List<String> INPUT_NAMES = List.of("raw-sparse", "qcow2-v3-64k", "qcow2-v2-compat0.10",
            "qcow2-512", "qcow2-2M", "qcow2-zlib", "qcow2-zstd", "qcow2-extended_l2", "vmdk-monolithicSparse",
            "vmdk-streamOptimized", "vpc-dynamic", "vpc-fixed", "vhdx-1M", "vhdx-32M", "vdi-static", "vdi-dynamic",
            "real-ext2.qcow2", "real-windows_volume.qcow2", "real-ext2.vhd", "real-ext2.vmdk", "real-apfs.raw",
            "real-hfsplus.raw", "real-iso9660.raw");

    @TempDir
    static Path dir;
    private static final Map<String, Input> inputs = new LinkedHashMap<>();

    @BeforeAll
    static void makeInputs() throws IOException {
        QemuImg.assumeAvailable();
        Path patterned = TestImages.patternedRaw(dir.resolve("patterned.raw"), SIZE, 4);
        // Compressed inputs get data that compresses, so that their clusters and grains really are.
        Path compressible = TestImages.compressibleRaw(dir.resolve("compressible.raw"), SIZE, 5);
        inputs.put("raw-sparse", new Input(patterned, "raw"));
        qemu("qcow2-v3-64k", patterned, "qcow2", "compat=1.1");
        qemu("qcow2-v2-compat0.10", patterned, "qcow2", "compat=0.10");
        qemu("qcow2-512", patterned, "qcow2", "cluster_size=512");
        qemu("qcow2-2M", patterned, "qcow2", "cluster_size=2M");
        qemu("qcow2-zlib", compressible, "qcow2", "compression_type=zlib", "-c");
        qemu("qcow2-zstd", compressible, "qcow2", "compression_type=zstd", "-c");
        qemu("qcow2-extended_l2", patterned, "qcow2", "extended_l2=on");
        qemu("vmdk-monolithicSparse", patterned, "vmdk", "subformat=monolithicSparse");
        qemu("vmdk-streamOptimized", compressible, "vmdk", "subformat=streamOptimized");
        qemu("vpc-dynamic", patterned, "vpc", "subformat=dynamic");
        qemu("vpc-fixed", patterned, "vpc", "subformat=fixed");
        qemu("vhdx-1M", patterned, "vhdx", "block_size=1M");
        qemu("vhdx-32M", patterned, "vhdx", "block_size=32M");
        qemu("vdi-static", patterned, "vdi", "static=on");
        qemu("vdi-dynamic", patterned, "vdi", "static=off");
        real("ext2.qcow2", "qcow2");
        real("windows_volume.qcow2", "qcow2");
        real("ext2.vhd", "vpc");
        real("ext2.vmdk", "vmdk");
        real("apfs.raw", "raw");
        real("hfsplus.raw", "raw");
        real("iso9660.raw", "raw");
        assertEquals(INPUT_NAMES, List.copyOf(inputs.keySet()));
        inputs.put("raw-64M", new Input(TestImages.patternedRaw(dir.resolve("patterned-64M.raw"), 64 * Limits.MiB
                + 3 * 512, 6), "raw"));
    }

    private static void qemu(String name, Path raw, String format, String options, String... extra)
            throws IOException {
        Path image = QemuImg.convert(raw, "raw", dir.resolve(name + ".img"), format, options, extra);
        inputs.put(name, new Input(image, format));
    }

    private static void real(String file, String format) {
        inputs.put("real-" + file, new Input(REAL.resolve(file), format));
    }

    private static final String FILE = "file";
    private static final String STDOUT = "stdout";

    /** (input, output, file or stdout): all of them with -Dmatrix=full, else a representative subset. */
    static Stream<Arguments> cases() {
        List<String> outputs = List.copyOf(OUTPUTS.keySet());
        List<String> streamable = outputs.stream().filter(o -> OUTPUTS.get(o).streamable()).toList();
        List<Arguments> cases = new ArrayList<>();
        for (int i = 0; i < INPUT_NAMES.size(); i++) {
            String input = INPUT_NAMES.get(i);
            if (FULL) {
                outputs.forEach(o -> cases.add(Arguments.of(input, o, FILE)));
                streamable.forEach(o -> cases.add(Arguments.of(input, o, STDOUT)));
            } else {
                cases.add(Arguments.of(input, outputs.get(i % outputs.size()), FILE));
                cases.add(Arguments.of(input, outputs.get((i + 4) % outputs.size()), FILE));
                cases.add(Arguments.of(input, streamable.get(i % streamable.size()), STDOUT));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} -> {1} ({2})")
    @MethodSource("cases")
    void convertsAndQemuAgrees(String inputName, String outputName, String destination) throws IOException {
        convertAndJudge(inputName, outputName, destination);
    }

    /**
     * Every way of writing a file's data gives the same image: through the page cache, with direct
     * I/O, and both mixed in one file (auto probes the first 16 MiB direct, so the 64 MiB input
     * has data written both ways), for every output that lays data out at aligned places.
     */
    @ParameterizedTest(name = "-t {0} -> {1}")
    @MethodSource("cacheModes")
    void everyCacheModeWritesTheSameImage(String cache, String outputName) throws IOException {
        Assumptions.assumeTrue(!cache.equals("none") || TestImages.directIoSupported(dir),
                "the temporary directory's file system has no direct I/O");
        convertAndJudge("raw-64M", outputName, FILE, "-t", cache);
    }

    static Stream<Arguments> cacheModes() {
        return Stream.of("auto", "writeback", "none").flatMap(cache -> Stream.of("raw", "qcow2", "vmdk-monolithicSparse",
                "vhd-dynamic", "vhdx").map(output -> Arguments.of(cache, output)));
    }

    private void convertAndJudge(String inputName, String outputName, String destination, String... extra)
            throws IOException {
        boolean toStandardOutput = STDOUT.equals(destination);
        Input input = inputs.get(inputName);
        Output output = OUTPUTS.get(outputName);
        Path out = dir.resolve(inputName + "-to-" + outputName + (toStandardOutput ? "-stdout" : "")
                + String.join("", extra) + ".out");
        List<String> args = new ArrayList<>(List.of("convert"));
        args.addAll(List.of(extra));
        args.addAll(List.of(output.options()));
        args.add(input.file().toString());
        CliRunner.Outcome converted;
        if (toStandardOutput) {
            args.add("-");
            converted = CliRunner.runToStandardOutput(out, args.toArray(String[]::new));
            assertEquals("", converted.out(), "nothing but the image on standard output");
        } else {
            args.add(out.toString());
            converted = CliRunner.run(args.toArray(String[]::new));
        }
        assertEquals(0, converted.exitCode(), "convert: " + converted.err());

        QemuImg.Result compare = QemuImg.compare(input.file(), input.qemuFormat(), out, output.qemuFormat());
        assertEquals(0, compare.exitCode(), "qemu-img compare: " + compare.stdout() + compare.stderr());
        // compare forgives a zero tail; the sizes must agree too
        assertEquals(QemuImg.info(input.file(), input.qemuFormat()).get("virtual-size").asLong(),
                QemuImg.info(out, output.qemuFormat()).get("virtual-size").asLong(), "virtual size");
        if (output.qemuChecks()) {
            WriterFixtures.assertCheckClean(out, output.qemuFormat());
        } else if (output.qemuFormat().equals("vpc")) {
            // qemu-img cannot check vpc images (exit 63): the project's own check judges the structures.
            CliRunner.Outcome check = CliRunner.run("check", "-f", "vhd", out.toString());
            if (inputName.equals("real-iso9660.raw") && outputName.equals("vhd-fixed")) {
                // A fixed VHD is its disk's bytes and a footer: holding an ISO 9660 file system it
                // carries both signatures, an ambiguity the inspector refuses.
                assertTrue(check.out().contains(Check.FORMAT_MULTIPLE_MATCH.id()), check.out());
            } else {
                assertEquals(0, check.exitCode(), "our check: " + check.out() + check.err());
            }
        }
        // Raw output has no structure to check: compare and its size say everything. (Our check
        // would judge the content instead: a guest's own boot sector may look like a broken MBR.)
        Files.delete(out);
    }
}
