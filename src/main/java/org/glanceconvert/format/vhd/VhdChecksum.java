package org.glanceconvert.format.vhd;

/**
 * The VHD checksum of the footer and of the dynamic disk header: the one's complement of the sum
 * of all bytes of the structure, the checksum field counted as zero.
 */
public final class VhdChecksum {
    private VhdChecksum() {
    }

    /**
     * The checksum of {@code length} bytes of {@code structure} from {@code offset}, treating the
     * four bytes at {@code checksumField} (relative to {@code offset}) as zero.
     */
    public static int compute(byte[] structure, int offset, int length, int checksumField) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            if (i < checksumField || i >= checksumField + 4) {
                sum += structure[offset + i] & 0xff;
            }
        }
        return ~sum;
    }

    /** Computes the checksum of the structure and stores it, big-endian, in its checksum field. */
    public static void store(byte[] structure, int offset, int length, int checksumField) {
        int sum = compute(structure, offset, length, checksumField);
        int at = offset + checksumField;
        for (int i = 0; i < 4; i++) {
            structure[at + i] = (byte) (sum >>> (24 - 8 * i));
        }
    }
}
