package org.glanceconvert.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import org.glanceconvert.image.ByteSource;

/**
 * A large, mostly zero file described compactly, so that a fuzzer can work on formats whose
 * structures sit megabytes apart (VHDX: 1 MiB regions) with inputs of a few KiB. Encoding: a
 * 4-byte big-endian file size in sectors, then chunks of [4-byte sector offset, 2-byte length,
 * length bytes]; later chunks overwrite earlier ones, a truncated chunk is cut short, and the file
 * reads as zero where no chunk is.
 */
final class OverlaySource implements ByteSource {
    private static final int SECTOR = 512;
    private static final byte[] ZEROS = new byte[65536];
    private final long size;
    private final TreeMap<Long, byte[]> chunks = new TreeMap<>();

    private OverlaySource(long size) {
        this.size = size;
    }

    static OverlaySource decode(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        OverlaySource source = new OverlaySource(in.remaining() >= 4 ? (in.getInt() & 0xFFFF_FFFFL) * SECTOR : 0);
        while (in.remaining() >= 6) {
            long offset = (in.getInt() & 0xFFFF_FFFFL) * SECTOR;
            int length = Math.min(in.getShort() & 0xFFFF, in.remaining());
            byte[] bytes = new byte[length];
            in.get(bytes);
            source.put(offset, bytes);
        }
        return source;
    }

    /** Encodes {@code file}: every run of sectors that are not all zero becomes a chunk. */
    static byte[] encode(byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(4).putInt((int) ((file.length + SECTOR - 1L) / SECTOR));
        out.writeBytes(header.array());
        int sector = 0;
        int sectors = (file.length + SECTOR - 1) / SECTOR;
        while (sector < sectors) {
            if (zero(file, sector)) {
                sector++;
                continue;
            }
            int end = sector;
            while (end < sectors && !zero(file, end) && (end - sector + 1) * SECTOR <= 0xFFFF) {
                end++;
            }
            int from = sector * SECTOR;
            int to = Math.min(file.length, end * SECTOR);
            out.writeBytes(ByteBuffer.allocate(6).putInt(sector).putShort((short) (to - from)).array());
            out.write(file, from, to - from);
            sector = end;
        }
        return out.toByteArray();
    }

    private static boolean zero(byte[] file, int sector) {
        for (int i = sector * SECTOR, end = Math.min(file.length, i + SECTOR); i < end; i++) {
            if (file[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** A copy with {@code bytes} written at {@code offset}. */
    OverlaySource patched(long offset, byte[] bytes) {
        OverlaySource copy = new OverlaySource(size);
        copy.chunks.putAll(chunks);
        copy.put(offset, bytes);
        return copy;
    }

    private void put(long offset, byte[] bytes) {
        if (offset >= size || bytes.length == 0) {
            return;
        }
        // Keep chunks disjoint: cut what the new chunk covers out of the ones it overlaps.
        long end = Math.min(size, offset + bytes.length);
        Map.Entry<Long, byte[]> before = chunks.lowerEntry(offset);
        if (before != null && before.getKey() + before.getValue().length > offset) {
            byte[] old = before.getValue();
            long oldEnd = before.getKey() + old.length;
            chunks.put(before.getKey(), java.util.Arrays.copyOf(old, (int) (offset - before.getKey())));
            if (oldEnd > end) {
                chunks.put(end, java.util.Arrays.copyOfRange(old, (int) (end - before.getKey()), old.length));
            }
        }
        for (Map.Entry<Long, byte[]> e : new TreeMap<>(chunks.subMap(offset, true, end, false)).entrySet()) {
            chunks.remove(e.getKey());
            long eEnd = e.getKey() + e.getValue().length;
            if (eEnd > end) {
                chunks.put(end, java.util.Arrays.copyOfRange(e.getValue(), (int) (end - e.getKey()), e.getValue().length));
            }
        }
        chunks.put(offset, java.util.Arrays.copyOf(bytes, (int) (end - offset)));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        long end = position + n;
        int start = dst.position();
        for (int at = 0; at < n; at += ZEROS.length) {
            dst.put(start + at, ZEROS, 0, Math.min(ZEROS.length, n - at));
        }
        Map.Entry<Long, byte[]> first = chunks.floorEntry(position);
        Long from = first != null && first.getKey() + first.getValue().length > position ? first.getKey() : position;
        for (Map.Entry<Long, byte[]> e : chunks.subMap(from, true, end, false).entrySet()) {
            long cStart = Math.max(position, e.getKey());
            long cEnd = Math.min(end, e.getKey() + e.getValue().length);
            if (cStart < cEnd) {
                dst.put(start + (int) (cStart - position), e.getValue(), (int) (cStart - e.getKey()), (int) (cEnd - cStart));
            }
        }
        dst.position(start + n);
        return n;
    }

    @Override
    public String name() {
        return "fuzz-overlay";
    }

    @Override
    public void close() {
    }
}
