package org.glanceconvert.format.raw;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.inspect.Finding;

/**
 * The primary GPT header at LBA 1 and its partition entry array (UEFI specification, chapter 5),
 * checked field by field: signature, revision, header CRC32, its own LBA, usable range, entry
 * size, array placement and CRC32, and every used entry inside the usable range without
 * overlaps. The entry array's size is checked against {@link Limits#checkTableBytes} before it
 * is read, and it is read in chunks.
 */
final class GptTable {
    static final byte[] SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
    private static final int MIN_HEADER_SIZE = 92;
    private static final int MIN_ENTRY_SIZE = 128;
    private static final int PROBED_PARTITIONS = 4;
    private static final int READ_CHUNK = 64 * 1024;

    private final List<Finding> problems = new ArrayList<>();
    private final List<Partition> partitions = new ArrayList<>();

    private GptTable() {
    }

    /** True when a GPT header signature sits at LBA 1 for this logical block size. */
    static boolean present(ByteSource source, int blockSize) throws IOException {
        return source.size() >= blockSize + SIGNATURE.length
                && Arrays.equals(source.readBytes(blockSize, SIGNATURE.length), SIGNATURE);
    }

    /** Reads and checks the GPT of a disk with logical blocks of {@code blockSize} bytes. */
    static GptTable read(ByteSource source, int blockSize, Limits limits) throws IOException {
        GptTable gpt = new GptTable();
        gpt.check(source, blockSize, limits);
        return gpt;
    }

    List<Finding> problems() {
        return problems;
    }

    List<Partition> partitions() {
        return partitions;
    }

    private void check(ByteSource source, int blockSize, Limits limits) throws IOException {
        if (source.size() < 2L * blockSize) {
            problem("the file ends inside the GPT header");
            return;
        }
        byte[] raw = source.readBytes(blockSize, blockSize);
        ByteBuffer h = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int revision = h.getInt(8);
        long headerSize = Integer.toUnsignedLong(h.getInt(12));
        if (revision >>> 16 != 1) {
            problem("GPT revision 0x" + Integer.toHexString(revision) + " is not 1.x");
            return;
        }
        if (headerSize < MIN_HEADER_SIZE || headerSize > blockSize) {
            problem("GPT header size " + headerSize + " is outside " + MIN_HEADER_SIZE + ".." + blockSize);
            return;
        }
        long storedCrc = Integer.toUnsignedLong(h.getInt(16));
        byte[] forCrc = Arrays.copyOf(raw, (int) headerSize);
        Arrays.fill(forCrc, 16, 20, (byte) 0);
        if (crc(forCrc) != storedCrc) {
            problem("GPT header CRC32 mismatch");
            return;
        }
        long myLba = h.getLong(24);
        long firstUsable = h.getLong(40);
        long lastUsable = h.getLong(48);
        long entriesLba = h.getLong(72);
        long count = Integer.toUnsignedLong(h.getInt(80));
        long entrySize = Integer.toUnsignedLong(h.getInt(84));
        long arrayCrc = Integer.toUnsignedLong(h.getInt(88));
        if (myLba != 1) {
            problem("the primary GPT header says it is at LBA " + Long.toUnsignedString(myLba) + ", not 1");
        }
        if (firstUsable < 2 || Long.compareUnsigned(firstUsable, lastUsable) > 0) {
            problem("GPT usable range " + Long.toUnsignedString(firstUsable) + ".." + Long.toUnsignedString(lastUsable)
                    + " is empty or overlaps the header");
        }
        if (entrySize < MIN_ENTRY_SIZE || entrySize % MIN_ENTRY_SIZE != 0
                || Long.bitCount(entrySize / MIN_ENTRY_SIZE) != 1) {
            problem("GPT entry size " + entrySize + " is not 128 times a power of two");
        }
        if (!problems.isEmpty()) {
            return;
        }
        long arrayBytes = count * entrySize; // both below 2^32: no overflow
        try {
            limits.checkTableBytes("GPT partition entry array", arrayBytes);
        } catch (ImageFormatException e) {
            problems.add(Finding.of(e));
            return;
        }
        long maxLba = Long.MAX_VALUE / blockSize;
        if (entriesLba < 2 || entriesLba > maxLba) {
            problem("GPT entry array at LBA " + Long.toUnsignedString(entriesLba) + " is inside the header or out of range");
            return;
        }
        long arrayStart = entriesLba * blockSize;
        if (arrayStart > source.size() - arrayBytes) {
            problem("GPT entry array of " + arrayBytes + " bytes at " + arrayStart
                    + " runs past the end of the file (" + source.size() + " bytes)");
            return;
        }
        long arrayEnd = arrayStart + arrayBytes;
        if (firstUsable <= maxLba && arrayEnd > firstUsable * blockSize) {
            problem("GPT entry array runs into the usable area at LBA " + firstUsable);
        }
        checkEntries(source, arrayStart, count, (int) entrySize, arrayCrc, firstUsable, lastUsable, blockSize);
    }

    private void checkEntries(ByteSource source, long arrayStart, long count, int entrySize, long expectedCrc,
                              long firstUsable, long lastUsable, int blockSize) throws IOException {
        CRC32 crc = new CRC32();
        int perChunk = Math.max(1, READ_CHUNK / entrySize);
        List<long[]> used = new ArrayList<>();
        String firstOutside = null;
        for (long i = 0; i < count; i += perChunk) {
            int n = (int) Math.min(perChunk, count - i);
            byte[] chunk = source.readBytes(arrayStart + i * entrySize, n * entrySize);
            crc.update(chunk);
            ByteBuffer b = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < n; k++) {
                int at = k * entrySize;
                if (b.getLong(at) == 0 && b.getLong(at + 8) == 0) {
                    continue; // unused entry: zero type GUID
                }
                long index = i + k;
                long first = b.getLong(at + 32);
                long last = b.getLong(at + 40);
                if (Long.compareUnsigned(first, last) > 0 || Long.compareUnsigned(first, firstUsable) < 0
                        || Long.compareUnsigned(last, lastUsable) > 0) {
                    if (firstOutside == null) {
                        firstOutside = "GPT entry " + (index + 1) + " spans LBA " + Long.toUnsignedString(first) + ".."
                                + Long.toUnsignedString(last) + ", outside the usable range "
                                + firstUsable + ".." + lastUsable;
                    }
                    continue;
                }
                used.add(new long[] {first, last, index});
                if (partitions.size() < PROBED_PARTITIONS && first <= Long.MAX_VALUE / blockSize) {
                    long length = last - first + 1;
                    partitions.add(new Partition("GPT entry " + (index + 1), first * blockSize,
                            length > Long.MAX_VALUE / blockSize ? Long.MAX_VALUE : length * blockSize));
                }
            }
        }
        if (crc.getValue() != expectedCrc) {
            problem("GPT partition entry array CRC32 mismatch");
        }
        if (firstOutside != null) {
            problem(firstOutside);
        }
        used.sort((x, y) -> Long.compareUnsigned(x[0], y[0]));
        long[] reach = null; // the entry reaching furthest so far
        for (long[] entry : used) {
            if (reach != null && Long.compareUnsigned(entry[0], reach[1]) <= 0) {
                problem("GPT entries " + (reach[2] + 1) + " and " + (entry[2] + 1) + " overlap");
                break;
            }
            if (reach == null || Long.compareUnsigned(entry[1], reach[1]) > 0) {
                reach = entry;
            }
        }
    }

    private void problem(String message) {
        problems.add(Finding.of(Check.PARTITION_GPT, message));
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
