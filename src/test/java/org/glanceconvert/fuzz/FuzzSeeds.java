package org.glanceconvert.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.glanceconvert.format.qcow2.Qcow2Samples;
import org.glanceconvert.format.raw.RawSamples;
import org.glanceconvert.format.vdi.VdiSamples;
import org.glanceconvert.format.vhd.VhdSamples;
import org.glanceconvert.format.vhdx.VhdxSamples;
import org.glanceconvert.format.vmdk.VmdkSamples;

/**
 * Writes the seed inputs of {@link FormatFuzzTest}: small valid images of each format, built by
 * the formats' test builders, into Jazzer's regression-input layout
 * ({@code src/test/resources/org/glanceconvert/fuzz/FormatFuzzTestInputs/<target>/seed-*}). The
 * seeds are checked in; run this again only to add or change seeds (findings are kept as they
 * are: {@code crash-*} files next to the seeds).
 */
public final class FuzzSeeds {
    static final Path INPUTS = Path.of("src/test/resources/org/glanceconvert/fuzz/FormatFuzzTestInputs");

    private FuzzSeeds() {
    }

    /** Target name to seed name to bytes. */
    static Map<String, Map<String, byte[]>> seeds() {
        Map<String, Map<String, byte[]>> seeds = new LinkedHashMap<>();
        Map<String, byte[]> qcow2 = new LinkedHashMap<>();
        qcow2.put("seed-v3-512b-clusters", Qcow2Samples.validSmall());
        qcow2.put("seed-extended-l2", Qcow2Samples.validExtendedL2());
        seeds.put("qcow2", qcow2);
        Map<String, byte[]> vmdk = new LinkedHashMap<>();
        vmdk.put("seed-monolithic-sparse", VmdkSamples.monolithicSparseSmall());
        vmdk.put("seed-stream-optimized", VmdkSamples.streamOptimizedSmall());
        vmdk.put("seed-descriptor", VmdkSamples.descriptorFile("monolithicSparse", "RW 128 SPARSE \"disk.vmdk\""));
        seeds.put("vmdk", vmdk);
        Map<String, byte[]> vhd = new LinkedHashMap<>();
        vhd.put("seed-dynamic-4k-blocks", VhdSamples.dynamicSmall());
        vhd.put("seed-fixed", VhdSamples.fixedSmall());
        seeds.put("vhd", vhd);
        seeds.put("vhdx", Map.of("seed-dynamic-overlay", OverlaySource.encode(VhdxSamples.mostlyZero())));
        seeds.put("vdi", Map.of("seed-dynamic-512b-blocks", VdiSamples.dynamicSmall()));
        Map<String, byte[]> inspector = new LinkedHashMap<>();
        for (String target : new String[] {"qcow2", "vmdk", "vhd", "vdi"}) {
            seeds.get(target).forEach((name, bytes) -> inspector.put(name + "-" + target, bytes));
        }
        inspector.put("seed-mbr", RawSamples.mbrDiskSmall());
        inspector.put("seed-gpt", RawSamples.gptDiskSmall());
        inspector.put("seed-mbr-with-qcow2", RawSamples.mbrDiskSmall(Qcow2Samples.validSmall()));
        seeds.put("inspector", inspector);
        return seeds;
    }

    public static void main(String[] args) throws IOException {
        Path root = args.length > 0 ? Path.of(args[0]) : INPUTS;
        for (var target : seeds().entrySet()) {
            Path dir = Files.createDirectories(root.resolve(target.getKey()));
            for (var seed : target.getValue().entrySet()) {
                Files.write(dir.resolve(seed.getKey()), seed.getValue());
            }
        }
        System.out.println("seeds written under " + root);
    }
}
