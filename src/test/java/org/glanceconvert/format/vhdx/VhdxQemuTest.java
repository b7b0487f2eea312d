package org.glanceconvert.format.vhdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.testing.FileDisk;
import org.glanceconvert.testing.MapAgreement;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.QemuOracleTest;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** VHDX images made by qemu-img read exactly as qemu-img reads them. */
class VhdxQemuTest extends QemuOracleTest {
    private static final DiskFormat VHDX = DiskFormats.byName("vhdx").orElseThrow();

    /** Block sizes 1 MiB and 32 MiB, dynamic and fixed, sizes that are not a multiple of the block. */
    static Stream<Arguments> variants() {
        List<Arguments> all = new ArrayList<>();
        for (String subformat : new String[] {"dynamic", "fixed"}) {
            all.add(Arguments.of("block_size=1M,subformat=" + subformat, 5 * Limits.MiB + 96 * Limits.KiB + 1536));
            all.add(Arguments.of("block_size=32M,subformat=" + subformat, 40 * Limits.MiB + 4096));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, {1} bytes")
    @MethodSource("variants")
    void readsLikeQemu(String options, long size) throws IOException {
        Path raw = TestImages.patternedRaw(dir.resolve("src.raw"), size, size ^ options.hashCode());
        Path vhdx = QemuImg.convert(raw, "raw", dir.resolve("x.vhdx"), "vhdx", options);
        JsonNode info = QemuImg.info(vhdx);
        long blockSize = options.contains("32M") ? 32 * Limits.MiB : Limits.MiB;

        InspectionReport report = TestImages.inspect(vhdx);
        assertEquals(info.get("format").asText(), report.format());
        assertEquals(options.substring(options.indexOf("subformat=") + 10), report.subformat());
        assertEquals(info.get("virtual-size").asLong(), report.virtualSize(), "virtual size against qemu-img info");
        assertEquals(size, report.virtualSize());
        assertEquals(info.get("cluster-size").asLong(), report.clusterSize());
        assertEquals(blockSize, report.clusterSize());
        assertTrue(report.safe(), report.problems().toString());
        assertEquals(List.of(), TestImages.check(vhdx, VHDX), "check finds nothing");
        try (VirtualDisk disk = FileDisk.open(vhdx, VHDX)) {
            TestImages.assertSameContent(raw, disk);
            // qemu 7.2's vhdx driver has no block status: its map calls the whole disk data. What
            // we call data must be inside that, and what we do not call data must be zero.
            MapAgreement.assertDataWithin(QemuImg.map(vhdx, "vhdx"), disk);
            MapAgreement.assertNonDataIsZero(raw, disk);
        }
    }
}
