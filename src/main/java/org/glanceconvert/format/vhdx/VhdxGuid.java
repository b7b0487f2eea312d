package org.glanceconvert.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;

/**
 * A GUID in the binary form VHDX stores it: the first three fields little-endian, the last eight
 * bytes as written.
 */
public final class VhdxGuid {
    public static final int SIZE = 16;
    public static final VhdxGuid ZERO = new VhdxGuid(new byte[SIZE]);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;

    private VhdxGuid(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Parses the textual form {@code 2DC27766-F623-4200-9D64-115E9BFD4A08}. */
    public static VhdxGuid parse(String text) {
        String hex = text.replace("-", "");
        if (hex.length() != 32) {
            throw new IllegalArgumentException("not a GUID: " + text);
        }
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) Long.parseLong(hex.substring(0, 8), 16));
        b.putShort((short) Integer.parseInt(hex.substring(8, 12), 16));
        b.putShort((short) Integer.parseInt(hex.substring(12, 16), 16));
        for (int i = 16; i < 32; i += 2) {
            b.put((byte) Integer.parseInt(hex.substring(i, i + 2), 16));
        }
        return new VhdxGuid(b.array());
    }

    /** A random version-4 GUID. */
    public static VhdxGuid random() {
        byte[] b = new byte[SIZE];
        RANDOM.nextBytes(b);
        b[7] = (byte) ((b[7] & 0x0f) | 0x40); // version 4 in data3's high nibble (little-endian field)
        b[8] = (byte) ((b[8] & 0x3f) | 0x80); // RFC 4122 variant
        return new VhdxGuid(b);
    }

    /** The GUID stored at {@code offset} of {@code buf}. */
    public static VhdxGuid read(byte[] buf, int offset) {
        return new VhdxGuid(Arrays.copyOfRange(buf, offset, offset + SIZE));
    }

    public boolean isZero() {
        return equals(ZERO);
    }

    /** The 16 bytes as stored in a file. */
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VhdxGuid g && Arrays.equals(bytes, g.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%08X-%04X-%04X-",
                b.getInt(0), b.getShort(4) & 0xffff, b.getShort(6) & 0xffff));
        for (int i = 8; i < SIZE; i++) {
            s.append(String.format(Locale.ROOT, "%02X", bytes[i]));
            if (i == 9) {
                s.append('-');
            }
        }
        return s.toString();
    }
}
