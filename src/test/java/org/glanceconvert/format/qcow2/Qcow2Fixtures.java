package org.glanceconvert.format.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;

/** Test images for qcow2 and the comparisons against qemu-img that every variant goes through. */
final class Qcow2Fixtures {
    /** Not a multiple of any cluster size above 512 B, so the last cluster is partial. */
    static final long DISK_SIZE = 5 * 1024 * 1024 + 3 * 512;

    private Qcow2Fixtures() {
    }

    /**
     * The patterned raw disk with part of its data made compressible (4 bits of entropy per
     * byte), so that {@code qemu-img convert -c} really stores compressed clusters.
     */
    static Path compressibleRaw(Path file, long size, long seed) throws IOException {
        TestImages.patternedRaw(file, size, seed);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            for (long pos = 0, n = 0; pos < size; pos += chunk.capacity(), n++) {
                if (n % 3 == 0) {
                    continue;
                }
                chunk.clear();
                int read = ch.read(chunk, pos);
                boolean data = false;
                for (int i = 0; i < read; i++) {
                    data |= chunk.get(i) != 0;
                }
                if (!data) {
                    continue;
                }
                for (int i = 0; i < read; i++) {
                    chunk.put(i, (byte) (chunk.get(i) & 0x0F));
                }
                chunk.flip();
                ch.write(chunk, pos);
            }
        }
        return file;
    }

    /** Runs qemu-io with the given commands ({@code -c} each) on a qcow2 image. */
    static void qemuIo(Path image, String... commands) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "qcow2"));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        cmd.add(image.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0 || out.contains("error")) {
                throw new AssertionError("qemu-io failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** One range of a map, as qemu-img map --output=json states it. */
    record MapRange(long start, long length, boolean present, boolean zero, boolean data, long offset) {
        MapRange joinedWith(MapRange next) {
            if (next.start != start + length || next.present != present || next.zero != zero || next.data != data) {
                return null;
            }
            if (data && offset >= 0 && next.offset != offset + length) {
                return null;
            }
            if (data && (offset < 0) != (next.offset < 0)) {
                return null;
            }
            return new MapRange(start, length + next.length, present, zero, data, offset);
        }
    }

    /**
     * qemu-img's map, with offsets kept only for data (the project's map contract) and re-joined.
     * qemu also calls data "zero" where the host file has a hole under it; allocation comes from
     * metadata only here, so data is never zero.
     */
    static List<MapRange> qemuMap(Path image) throws IOException {
        List<MapRange> ranges = new ArrayList<>();
        for (JsonNode n : QemuImg.map(image, "qcow2")) {
            boolean data = n.get("data").asBoolean();
            ranges.add(new MapRange(n.get("start").asLong(), n.get("length").asLong(), n.get("present").asBoolean(),
                    n.get("zero").asBoolean() && !data, data, data && n.has("offset") ? n.get("offset").asLong() : -1));
        }
        return joined(ranges);
    }

    /** Our extents in the same terms. */
    static List<MapRange> ourMap(VirtualDisk disk) throws IOException {
        List<MapRange> ranges = new ArrayList<>();
        ExtentCursor cursor = disk.extents(0);
        for (Extent e = cursor.next(); e != null; e = cursor.next()) {
            ranges.add(switch (e.kind()) {
                case DATA -> new MapRange(e.start(), e.length(), true, false, true, e.hostOffset());
                case ZERO -> new MapRange(e.start(), e.length(), true, true, false, -1);
                case UNALLOCATED -> new MapRange(e.start(), e.length(), false, true, false, -1);
            });
        }
        return joined(ranges);
    }

    private static List<MapRange> joined(List<MapRange> ranges) {
        List<MapRange> out = new ArrayList<>();
        for (MapRange r : ranges) {
            MapRange joined = out.isEmpty() ? null : out.get(out.size() - 1).joinedWith(r);
            if (joined != null) {
                out.set(out.size() - 1, joined);
            } else {
                out.add(r);
            }
        }
        return out;
    }

    static void assertSameMap(Path image, VirtualDisk disk) throws IOException {
        assertEquals(qemuMap(image), ourMap(disk), "map of " + image.getFileName());
    }
}
