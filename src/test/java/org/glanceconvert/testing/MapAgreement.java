package org.glanceconvert.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.VirtualDisk;

/**
 * Compares a reader's allocation map with {@code qemu-img map --output=json} and with the content
 * it describes.
 */
public final class MapAgreement {
    private MapAgreement() {
    }

    /** A run of the virtual disk that holds stored data, and where it is stored (-1 when unknown). */
    public record DataRun(long start, long end, long hostOffset) {
    }

    /** The disk's extents, with a check that they tile the disk without gap. */
    public static List<Extent> extents(VirtualDisk disk) throws IOException {
        List<Extent> all = new ArrayList<>();
        ExtentCursor cursor = disk.extents(0).coalesced();
        long pos = 0;
        for (Extent e = cursor.next(); e != null; e = cursor.next()) {
            assertEquals(pos, e.start(), "extents must tile the disk");
            pos = e.end();
            all.add(e);
        }
        assertEquals(disk.size(), pos, "extents must cover the disk");
        return all;
    }

    /** Our data runs (DATA extents, adjacent ones joined when contiguous in the file). */
    public static List<DataRun> ourData(VirtualDisk disk) throws IOException {
        List<DataRun> runs = new ArrayList<>();
        for (Extent e : extents(disk)) {
            if (e.kind() == Extent.Kind.DATA) {
                runs.add(new DataRun(e.start(), e.end(), e.hostOffset()));
            }
        }
        return runs;
    }

    /** qemu's runs with {@code data: true, zero: false}, joined like ours. */
    public static List<DataRun> qemuData(JsonNode map) {
        List<DataRun> runs = new ArrayList<>();
        for (JsonNode n : map) {
            if (!n.path("data").asBoolean() || n.path("zero").asBoolean()) {
                continue;
            }
            long start = n.get("start").asLong();
            long end = start + n.get("length").asLong();
            long host = n.has("offset") ? n.get("offset").asLong() : -1;
            DataRun last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.end() == start && (host < 0 ? last.hostOffset() < 0
                    : last.hostOffset() >= 0 && last.hostOffset() + (last.end() - last.start()) == host)) {
                runs.set(runs.size() - 1, new DataRun(last.start(), end, last.hostOffset()));
            } else {
                runs.add(new DataRun(start, end, host));
            }
        }
        return runs;
    }

    /** Asserts that the reader and qemu agree exactly on which ranges hold data, and where. */
    public static void assertSameData(JsonNode qemuMap, VirtualDisk disk) throws IOException {
        assertEquals(qemuData(qemuMap), ourData(disk), "data ranges (start, end, host offset) against qemu-img map");
    }

    /** Asserts that every range the reader calls data is data to qemu too (qemu may know less). */
    public static void assertDataWithin(JsonNode qemuMap, VirtualDisk disk) throws IOException {
        List<DataRun> qemu = qemuData(qemuMap);
        for (DataRun ours : ourData(disk)) {
            boolean inside = qemu.stream().anyMatch(q -> q.start() <= ours.start() && ours.end() <= q.end());
            assertTrue(inside, "our data run " + ours + " is not data to qemu-img map " + qemu);
        }
    }

    /**
     * Asserts that the ranges the reader does not call data are all zero in {@code raw}: an
     * allocation map that says "nothing here" where the disk has bytes would lose them.
     */
    public static void assertNonDataIsZero(Path raw, VirtualDisk disk) throws IOException {
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            for (Extent e : extents(disk)) {
                if (e.kind() == Extent.Kind.DATA) {
                    continue;
                }
                for (long pos = e.start(); pos < e.end(); pos += buf.capacity()) {
                    buf.clear().limit((int) Math.min(buf.capacity(), e.end() - pos));
                    ch.read(buf, pos);
                    for (int i = 0; i < buf.position(); i++) {
                        if (buf.get(i) != 0) {
                            fail("byte " + (pos + i) + " is not zero but lies in " + e);
                        }
                    }
                }
            }
        }
    }

    /** One range of a map, as qemu-img map --output=json states it. */
    public record MapRange(long start, long length, boolean present, boolean zero, boolean data, long offset) {
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
    public static List<MapRange> qemuMap(Path image, String format) throws IOException {
        List<MapRange> ranges = new ArrayList<>();
        for (JsonNode n : QemuImg.map(image, format)) {
            boolean data = n.get("data").asBoolean();
            ranges.add(new MapRange(n.get("start").asLong(), n.get("length").asLong(), n.get("present").asBoolean(),
                    n.get("zero").asBoolean() && !data, data, data && n.has("offset") ? n.get("offset").asLong() : -1));
        }
        return joined(ranges);
    }

    /** Our extents in the same terms. */
    public static List<MapRange> ourMap(VirtualDisk disk) throws IOException {
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

    /** Asserts that the reader and qemu agree on the whole map: present, zero, data and host offsets. */
    public static void assertSameMap(Path image, String format, VirtualDisk disk) throws IOException {
        assertEquals(qemuMap(image, format), ourMap(disk), "map of " + image.getFileName());
    }
}
