package org.glanceconvert.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * One of the two 4 KiB VHDX headers (at 64 KiB and 128 KiB). A header is valid when its signature
 * and CRC-32C check and its version is 1; the current header is the valid one, or of two valid
 * ones the one with the higher sequence number.
 */
public final class VhdxHeader {
    public static final long FIRST_OFFSET = 64 * 1024;
    public static final long SECOND_OFFSET = 128 * 1024;
    public static final int SIZE = 4096;
    public static final int CHECKSUM_OFFSET = 4;
    public static final byte[] SIGNATURE = "head".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private final byte[] bytes;
    private final long fileOffset;

    private VhdxHeader(byte[] bytes, long fileOffset) {
        this.bytes = bytes;
        this.fileOffset = fileOffset;
    }

    /**
     * A valid header with no log to replay (LogGuid zero), as glance-convert writes it.
     *
     * @param sequenceNumber the higher of the two headers' is the current one
     */
    public static byte[] encode(long sequenceNumber, VhdxGuid fileWriteGuid, VhdxGuid dataWriteGuid,
                                long logOffset, int logLength) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SIGNATURE);
        b.putInt(0); // checksum, below
        b.putLong(sequenceNumber);
        b.put(fileWriteGuid.bytes());
        b.put(dataWriteGuid.bytes());
        b.put(VhdxGuid.ZERO.bytes()); // LogGuid: the log is empty
        b.putShort((short) 0); // LogVersion
        b.putShort((short) VERSION);
        b.putInt(logLength);
        b.putLong(logOffset);
        byte[] header = b.array();
        VhdxChecksum.store(header, 0, SIZE, CHECKSUM_OFFSET);
        return header;
    }

    /** Wraps the 4 KiB read at {@code fileOffset}, whatever they hold. */
    public static VhdxHeader of(byte[] raw, long fileOffset) {
        if (raw.length != SIZE) {
            throw new IllegalArgumentException("a VHDX header is " + SIZE + " bytes");
        }
        return new VhdxHeader(raw.clone(), fileOffset);
    }

    private ByteBuffer le() {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    public long fileOffset() {
        return fileOffset;
    }

    public boolean signatureValid() {
        return Arrays.equals(bytes, 0, 4, SIGNATURE, 0, 4);
    }

    public boolean checksumValid() {
        return VhdxChecksum.valid(bytes, 0, SIZE, CHECKSUM_OFFSET);
    }

    public boolean valid() {
        return signatureValid() && checksumValid() && version() == VERSION;
    }

    public long sequenceNumber() {
        return le().getLong(8);
    }

    public VhdxGuid fileWriteGuid() {
        return VhdxGuid.read(bytes, 16);
    }

    public VhdxGuid dataWriteGuid() {
        return VhdxGuid.read(bytes, 32);
    }

    /** Non-zero when the log may hold entries that still have to be replayed. */
    public VhdxGuid logGuid() {
        return VhdxGuid.read(bytes, 48);
    }

    public int logVersion() {
        return le().getShort(64) & 0xffff;
    }

    public int version() {
        return le().getShort(66) & 0xffff;
    }

    public long logLength() {
        return le().getInt(68) & 0xffffffffL;
    }

    public long logOffset() {
        return le().getLong(72);
    }

    /**
     * The current header of the two. Equal sequence numbers are accepted only for identical
     * headers (Disk2VHD writes those); two different headers that both claim to be current leave
     * no way to choose.
     */
    public static VhdxHeader current(VhdxHeader first, VhdxHeader second) throws ImageFormatException {
        boolean firstValid = first.valid();
        boolean secondValid = second.valid();
        if (!firstValid && !secondValid) {
            boolean crc = !first.checksumValid() || !second.checksumValid();
            throw new ImageFormatException(crc ? Check.VHDX_CHECKSUM : Check.VHDX_HEADER,
                    "neither VHDX header is valid: " + first.fault() + "; " + second.fault());
        }
        if (!secondValid) {
            return first;
        }
        if (!firstValid) {
            return second;
        }
        int order = Long.compareUnsigned(first.sequenceNumber(), second.sequenceNumber());
        if (order == 0 && !Arrays.equals(first.bytes, second.bytes)) {
            throw new ImageFormatException(Check.VHDX_HEADER, "both VHDX headers are valid with sequence number "
                    + Long.toUnsignedString(first.sequenceNumber()) + " but differ");
        }
        return order >= 0 ? first : second;
    }

    /** Why this header is not valid, for messages. */
    String fault() {
        String where = "header at " + fileOffset / 1024 + " KiB";
        if (!signatureValid()) {
            return where + " has no 'head' signature";
        }
        if (!checksumValid()) {
            return String.format("%s has CRC-32C 0x%08x, its bytes give 0x%08x", where,
                    VhdxChecksum.stored(bytes, 0, CHECKSUM_OFFSET), VhdxChecksum.compute(bytes, 0, SIZE, CHECKSUM_OFFSET));
        }
        if (version() != VERSION) {
            return where + " has version " + version();
        }
        return where + " is valid";
    }
}
