package org.glanceconvert.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the structures of the VHDX header section (MS-VHDX 2.2): file type identifier, header
 * and region table, little-endian, each with its CRC-32C.
 */
public final class VhdxHeaderEncoder {
    public static final int HEADER_SIZE = 4096;
    public static final int REGION_TABLE_SIZE = 64 * 1024;
    private static final int HEADER_SIGNATURE = 0x64616568;       // "head"
    private static final int REGION_TABLE_SIGNATURE = 0x69676572; // "regi"
    private static final int CHECKSUM_OFFSET = 4;
    private static final int REGION_REQUIRED = 1;

    private VhdxHeaderEncoder() {
    }

    /** "vhdxfile" and the creator as UTF-16LE (at most 256 characters); the rest of 64 KiB is zero. */
    public static byte[] fileIdentifier(String creator) {
        byte[] name = creator.getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer b = ByteBuffer.allocate(8 + Math.min(name.length, 512));
        b.put("vhdxfile".getBytes(StandardCharsets.US_ASCII));
        b.put(name, 0, Math.min(name.length, 512));
        return b.array();
    }

    /**
     * A 4 KiB header with no log to replay (LogGuid zero).
     *
     * @param fileWriteGuid  16 on-disk bytes
     * @param dataWriteGuid  16 on-disk bytes
     */
    public static byte[] header(long sequenceNumber, byte[] fileWriteGuid, byte[] dataWriteGuid,
                                long logOffset, int logLength) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(HEADER_SIGNATURE);
        b.putInt(0); // checksum, below
        b.putLong(sequenceNumber);
        b.put(fileWriteGuid, 0, 16);
        b.put(dataWriteGuid, 0, 16);
        b.put(new byte[16]); // LogGuid: zero, the log is empty
        b.putShort((short) 0); // LogVersion
        b.putShort((short) 1); // Version
        b.putInt(logLength);
        b.putLong(logOffset);
        return withChecksum(b.array());
    }

    /** A 64 KiB region table listing the BAT and the metadata region, both required. */
    public static byte[] regionTable(long batOffset, long batLength, long metadataOffset, long metadataLength) {
        ByteBuffer b = ByteBuffer.allocate(REGION_TABLE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(REGION_TABLE_SIGNATURE);
        b.putInt(0); // checksum, below
        b.putInt(2); // entry count
        b.putInt(0);
        region(b, VhdxRegionTable.BAT, batOffset, batLength);
        region(b, VhdxRegionTable.METADATA, metadataOffset, metadataLength);
        return withChecksum(b.array());
    }

    private static void region(ByteBuffer b, VhdxGuid guid, long offset, long length) {
        b.put(guid.bytes());
        b.putLong(offset);
        b.putInt(Math.toIntExact(length));
        b.putInt(REGION_REQUIRED);
    }

    private static byte[] withChecksum(byte[] structure) {
        VhdxChecksum.store(structure, 0, structure.length, CHECKSUM_OFFSET);
        return structure;
    }
}
