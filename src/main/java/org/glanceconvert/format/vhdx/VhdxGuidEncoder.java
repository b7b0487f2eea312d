package org.glanceconvert.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * GUIDs as MS-VHDX stores them: the first three fields little-endian, the last eight bytes as
 * written. Holds the well-known region and metadata item ids.
 */
public final class VhdxGuidEncoder {
    public static final String BAT_REGION = "2DC27766-F623-4200-9D64-115E9BFD4A08";
    public static final String METADATA_REGION = "8B7CA206-4790-4B9A-B8FE-575F050F886E";
    public static final String FILE_PARAMETERS = "CAA16737-FA36-4D43-B3B6-33F0AA44E76B";
    public static final String VIRTUAL_DISK_SIZE = "2FA54224-CD1B-4876-B211-5DBED83BF4B8";
    public static final String PAGE_83_DATA = "BECA12AB-B2E6-4523-93EF-C309E000C746";
    public static final String LOGICAL_SECTOR_SIZE = "8141BF1D-A96F-4709-BA47-F233A8FAAB5F";
    public static final String PHYSICAL_SECTOR_SIZE = "CDA348C7-445D-4471-9CC9-E9885251C556";

    private static final SecureRandom RANDOM = new SecureRandom();

    private VhdxGuidEncoder() {
    }

    /** The 16 on-disk bytes of a GUID written as {@code XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}. */
    public static byte[] encode(String guid) {
        UUID u = UUID.fromString(guid);
        long msb = u.getMostSignificantBits();
        ByteBuffer b = ByteBuffer.allocate(16);
        b.order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) (msb >>> 32));
        b.putShort((short) (msb >>> 16));
        b.putShort((short) msb);
        b.order(ByteOrder.BIG_ENDIAN);
        b.putLong(u.getLeastSignificantBits());
        return b.array();
    }

    /** A random version-4 GUID, already in on-disk byte order. */
    public static byte[] random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        b[7] = (byte) ((b[7] & 0x0f) | 0x40); // version 4 in data3's high nibble (little-endian field)
        b[8] = (byte) ((b[8] & 0x3f) | 0x80); // RFC 4122 variant
        return b;
    }
}
