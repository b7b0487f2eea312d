package org.glanceconvert.format.vhdx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * Decides whether a VHDX log holds entries that must be replayed before the file can be read.
 * Replaying means writing metadata updates into the file; a reader that ignores them reads stale
 * metadata, so such files are refused (qemu refuses them read-only too).
 *
 * <p>The decision is qemu's: no replay when the header's log GUID is zero or the log is empty;
 * otherwise the log (a ring of 4 KiB sectors) is scanned from its start for an entry whose header
 * is valid (signature "loge", length a multiple of 4 KiB within the log, sequence number above
 * zero, the header's log GUID, room for its descriptors), whose descriptors are well formed and
 * whose CRC-32C matches. One such entry means replay. A valid entry header with a malformed
 * descriptor makes qemu refuse the file outright.
 */
public final class VhdxLog {
    public static final int SECTOR = 4096;
    private static final byte[] ENTRY_SIGNATURE = "loge".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ZERO_SIGNATURE = "zero".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_SIGNATURE = "desc".getBytes(StandardCharsets.US_ASCII);
    private static final int ENTRY_HEADER_SIZE = 64;
    private static final int DESCRIPTOR_SIZE = 32;

    private final ByteSource source;
    private final long offset;
    private final long length;
    private final VhdxGuid logGuid;

    private VhdxLog(ByteSource source, long offset, long length, VhdxGuid logGuid) {
        this.source = source;
        this.offset = offset;
        this.length = length;
        this.logGuid = logGuid;
    }

    /**
     * Describes the first log entry that would be replayed, or returns null when nothing needs
     * replay. The caller has checked that the log lies inside the file.
     *
     * @throws ImageFormatException for a log entry with a malformed descriptor
     */
    public static String pendingEntry(ByteSource source, VhdxHeader header) throws IOException {
        if (header.logGuid().isZero() || header.logLength() == 0) {
            return null;
        }
        return new VhdxLog(source, header.logOffset(), header.logLength(), header.logGuid()).scan();
    }

    private String scan() throws IOException {
        long pos = 0;
        while (true) {
            long start = pos;
            byte[] first = sector(pos);
            ByteBuffer hdr = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN);
            if (!headerValid(first, hdr)) {
                pos = next(pos, 1);
            } else {
                long entryLength = hdr.getInt(8) & 0xffffffffL;
                long sequence = hdr.getLong(16);
                long descriptors = hdr.getInt(24) & 0xffffffffL;
                long descriptorSectors = (descriptors + 2 + 127) / 128;
                long entrySectors = Math.max(descriptorSectors, entryLength / SECTOR);
                if (entryChecksumValid(start, first, hdr, descriptors, descriptorSectors, entrySectors, sequence)) {
                    return "log entry " + Long.toUnsignedString(sequence) + " at " + (offset + start)
                            + " is valid and has not been replayed";
                }
                pos = next(pos, entrySectors);
            }
            if (pos <= start) {
                return null;
            }
        }
    }

    private boolean headerValid(byte[] first, ByteBuffer hdr) {
        long entryLength = hdr.getInt(8) & 0xffffffffL;
        long descriptors = hdr.getInt(24) & 0xffffffffL;
        return Arrays.equals(first, 0, 4, ENTRY_SIGNATURE, 0, 4)
                && entryLength <= length && entryLength % SECTOR == 0
                && hdr.getLong(16) != 0
                && VhdxGuid.read(first, 32).equals(logGuid)
                && descriptors * DESCRIPTOR_SIZE <= entryLength;
    }

    private boolean entryChecksumValid(long start, byte[] first, ByteBuffer hdr, long descriptors,
                                       long descriptorSectors, long entrySectors, long sequence) throws IOException {
        CRC32C crc = new CRC32C();
        long pos = start;
        byte[] sector = first;
        long checked = 0;
        for (long s = 0; s < entrySectors; s++) {
            if (s > 0) {
                pos = next(pos, 1);
                sector = sector(pos);
            }
            if (s < descriptorSectors) {
                int from = s == 0 ? ENTRY_HEADER_SIZE : 0;
                for (int at = from; at + DESCRIPTOR_SIZE <= SECTOR && checked < descriptors; at += DESCRIPTOR_SIZE) {
                    checkDescriptor(sector, at, sequence, offset + pos);
                    checked++;
                }
            }
            if (s == 0) {
                crc.update(sector, 0, 4);
                crc.update(new byte[4]);
                crc.update(sector, 8, SECTOR - 8);
            } else {
                crc.update(sector);
            }
        }
        return (int) crc.getValue() == hdr.getInt(4);
    }

    private static void checkDescriptor(byte[] sector, int at, long sequence, long where) throws ImageFormatException {
        ByteBuffer d = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
        boolean zero = Arrays.equals(sector, at, at + 4, ZERO_SIGNATURE, 0, 4);
        boolean data = Arrays.equals(sector, at, at + 4, DATA_SIGNATURE, 0, 4);
        boolean valid = (zero || data)
                && d.getLong(at + 24) == sequence
                && d.getLong(at + 16) % SECTOR == 0
                && (!zero || d.getLong(at + 8) % SECTOR == 0);
        if (!valid) {
            throw new ImageFormatException(Check.VHDX_LOG_REPLAY, "the log entry descriptor in the log sector at "
                    + where + " is malformed, so the log can be neither replayed nor ignored");
        }
    }

    private long next(long pos, long sectors) {
        return (pos + sectors * SECTOR) % length;
    }

    private byte[] sector(long pos) throws IOException {
        return source.readBytes(offset + pos, SECTOR);
    }
}
