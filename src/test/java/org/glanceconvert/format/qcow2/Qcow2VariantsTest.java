package org.glanceconvert.format.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.glanceconvert.format.FormatReport;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;
import org.glanceconvert.testing.MapAgreement;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every qcow2 variant qemu-img writes, filled with a pattern of data, zeros and holes: inspect
 * agrees with qemu-img info, the content equals the raw disk, the extents equal qemu-img map and
 * check agrees with qemu-img check that the image is clean.
 */
class Qcow2VariantsTest {
    /** Not a multiple of any cluster size above 512 B, so the last cluster is partial. */
    private static final long DISK_SIZE = 5 * 1024 * 1024 + 3 * 512;

    private final Qcow2Format format = new Qcow2Format();

    /** How to make one variant; {@code after} changes the image once made (qemu-io, snapshots). */
    record Variant(String name, String options, boolean compress, boolean compressibleData, Step after,
                   List<String> warnings) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Step {
        void apply(Path image) throws IOException;
    }

    static Stream<Variant> variants() {
        return Stream.of(
                plain("cluster 512 B", "cluster_size=512"),
                plain("cluster 4 KiB", "cluster_size=4096"),
                plain("cluster 64 KiB", "cluster_size=65536"),
                plain("cluster 2 MiB", "cluster_size=2097152"),
                plain("compat 0.10 (v2)", "compat=0.10"),
                plain("compat 0.10, 512 B clusters", "compat=0.10,cluster_size=512"),
                compressed("compressed zlib", "compression_type=zlib"),
                compressed("compressed zstd", "compression_type=zstd"),
                compressed("compressed zlib, 512 B clusters", "compression_type=zlib,cluster_size=512"),
                compressed("compressed zstd, 2 MiB clusters", "compression_type=zstd,cluster_size=2097152"),
                compressed("compressed v2", "compat=0.10"),
                plain("extended L2, 64 KiB", "extended_l2=on,cluster_size=65536"),
                plain("extended L2, 2 MiB", "extended_l2=on,cluster_size=2097152"),
                plain("refcount_bits 1", "refcount_bits=1"),
                plain("refcount_bits 64", "refcount_bits=64"),
                plain("refcount_bits 2, 4 KiB", "refcount_bits=2,cluster_size=4096"),
                plain("preallocation metadata", "preallocation=metadata"),
                plain("preallocation metadata, v2", "preallocation=metadata,compat=0.10"),
                plain("preallocation full, extended L2", "preallocation=full,extended_l2=on"),
                new Variant("lazy refcounts", "lazy_refcounts=on", false, false, null,
                        List.of("qcow2.lazy_refcounts")),
                new Variant("internal snapshot, then writes", "", false, false, image -> {
                    QemuImg.run("snapshot", "-c", "first", image.toString()).orThrow();
                    QemuImg.io(image, "qcow2", "write -P 7 65536 200000", "write -P 9 3145728 1048576",
                            "write -z 0 4096");
                }, List.of("qcow2.snapshots")),
                new Variant("compressed, snapshot, then writes", "", true, true, image -> {
                    QemuImg.run("snapshot", "-c", "first", image.toString()).orThrow();
                    QemuImg.io(image, "qcow2", "write -P 7 100000 300000");
                }, List.of("qcow2.snapshots")),
                new Variant("v3 zero clusters", "", false, false, image -> QemuImg.io(image, "qcow2",
                        "write -z 0 131072", "write -z -u 1048576 196608", "write -z 3000000 70000",
                        "write -z 4194304 65536"), List.of()),
                new Variant("extended L2 zero subclusters", "extended_l2=on", false, false, image ->
                        QemuImg.io(image, "qcow2", "write -z 4096 4096", "write -z -u 1048576 12288",
                                "write -P 3 2101248 2048", "write -z 4200000 20000"), List.of()));
    }

    private static Variant plain(String name, String options) {
        return new Variant(name, options, false, false, null, List.of());
    }

    private static Variant compressed(String name, String options) {
        return new Variant(name, options, true, true, null, List.of());
    }

    @TempDir
    Path dir;

    @BeforeAll
    static void needsQemu() {
        QemuImg.assumeAvailable();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void agreesWithQemuImg(Variant v) throws IOException {
        long seed = v.name.hashCode();
        Path raw = v.compressibleData ? TestImages.compressibleRaw(dir.resolve("disk.raw"), DISK_SIZE, seed)
                : TestImages.patternedRaw(dir.resolve("disk.raw"), DISK_SIZE, seed);
        Path image = dir.resolve("disk.qcow2");
        if (v.compress) {
            QemuImg.convert(raw, "raw", image, "qcow2", v.options, "-c");
        } else {
            QemuImg.convert(raw, "raw", image, "qcow2", v.options);
        }
        if (v.after != null) {
            v.after.apply(image);
            raw = QemuImg.convert(image, "qcow2", dir.resolve("expected.raw"), "raw", null);
        }

        JsonNode info = QemuImg.info(image);
        try (FileByteSource source = FileByteSource.open(image)) {
            FormatReport report = format.inspect(source, Limits.DEFAULT);
            assertEquals(List.of(), report.problems());
            assertEquals("qcow2", info.get("format").asText());
            assertEquals(info.get("virtual-size").asLong(), report.virtualSize());
            assertEquals(info.get("cluster-size").asLong(), report.clusterSize());
            String compat = info.get("format-specific").get("data").get("compat").asText();
            assertEquals(compat.equals("0.10") ? "v2" : "v3", report.subformat());
            assertEquals(v.warnings, report.warnings().stream().map(Finding::check).toList());

            InspectionReport inspected = new Inspector(Limits.DEFAULT).inspect(source, "disk.qcow2", "qcow2");
            assertEquals("qcow2", inspected.format());
            assertTrue(inspected.safe(), inspected.problems().toString());

            assertEquals(List.of(), format.check(source, Limits.DEFAULT));
        }
        assertEquals(0, QemuImg.check(image, "qcow2").exitCode(), "qemu-img check is clean");

        try (VirtualDisk disk = format.open(FileByteSource.open(image), Limits.DEFAULT)) {
            assertEquals(info.get("cluster-size").asInt(), disk.clusterSize());
            TestImages.assertSameContent(raw, disk);
            MapAgreement.assertSameMap(image, "qcow2", disk);
            if (v.compress) {
                assertTrue(compressedExtents(disk) > 0, "the image has compressed clusters");
            }
        }
    }

    private static int compressedExtents(VirtualDisk disk) throws IOException {
        List<Extent> compressed = new ArrayList<>();
        ExtentCursor cursor = disk.extents(0);
        for (Extent e = cursor.next(); e != null; e = cursor.next()) {
            if (e.kind() == Extent.Kind.DATA && e.hostOffset() < 0) {
                compressed.add(e);
            }
        }
        return compressed.size();
    }
}
