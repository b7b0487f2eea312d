package org.glanceconvert.format.vhdx;

import java.util.zip.CRC32C;

/** The CRC-32C VHDX puts in its headers, region tables and log entries. */
public final class VhdxChecksum {
    private VhdxChecksum() {
    }

    /**
     * CRC-32C of {@code length} bytes of {@code buf} from {@code offset}, with the four bytes at
     * {@code checksumField} (relative to {@code offset}) counted as zero.
     */
    public static int compute(byte[] buf, int offset, int length, int checksumField) {
        CRC32C crc = new CRC32C();
        crc.update(buf, offset, checksumField);
        crc.update(new byte[4]);
        crc.update(buf, offset + checksumField + 4, length - checksumField - 4);
        return (int) crc.getValue();
    }

    /** The little-endian checksum stored at {@code checksumField}. */
    public static int stored(byte[] buf, int offset, int checksumField) {
        int at = offset + checksumField;
        return (buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8 | (buf[at + 2] & 0xff) << 16 | (buf[at + 3] & 0xff) << 24;
    }

    /** Computes the checksum of the structure and stores it, little-endian, in its checksum field. */
    public static void store(byte[] buf, int offset, int length, int checksumField) {
        int crc = compute(buf, offset, length, checksumField);
        int at = offset + checksumField;
        for (int i = 0; i < 4; i++) {
            buf[at + i] = (byte) (crc >>> (8 * i));
        }
    }

    public static boolean valid(byte[] buf, int offset, int length, int checksumField) {
        return stored(buf, offset, checksumField) == compute(buf, offset, length, checksumField);
    }
}
