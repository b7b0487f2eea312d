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
}
