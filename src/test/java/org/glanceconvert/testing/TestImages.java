package org.glanceconvert.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.image.FileByteSource;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.MemoryByteSource;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.Finding;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;

/** Disk contents with a known pattern of data, written zeros and holes, and ways to check them. */
public final class TestImages {
    private TestImages() {
    }

    /** Whether files in {@code dir} can be opened with direct I/O ({@code O_DIRECT}). */
    public static boolean directIoSupported(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, "direct-io", ".probe");
        try (FileChannel ignored = FileChannel.open(probe, StandardOpenOption.WRITE,
                com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        } finally {
            Files.delete(probe);
        }
    }

    /**
     * Writes a sparse raw file of {@code size} bytes: runs of random length (sector multiples, up to
     * about 300 KiB) that are random data, written zeros, or holes, chosen from {@code seed}.
     * Both ends of the file get data so that edge handling is exercised.
     */
    public static Path patternedRaw(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long pos = 0;
            int run = 0;
            while (pos < size) {
                long len = Math.min(size - pos, 512L * (1 + random.nextInt(600)));
                int kind = run == 0 || pos + len >= size ? 0 : random.nextInt(3);
                if (kind == 0) {
                    writeRandom(ch, pos, len, random);
                } else if (kind == 1) {
                    writeZeros(ch, pos, len);
                }
                pos += len;
                run++;
            }
            ch.truncate(size);
            if (ch.size() < size) {
                ch.write(ByteBuffer.wrap(new byte[] {0}), size - 1);
            }
        }
        return file;
    }

    /**
     * A sparse raw file of {@code size} bytes, holes everywhere except random data at each
     * {@code (offset, length)} pair.
     */
    public static Path sparseRaw(Path file, long size, long seed, long... offsetLengthPairs) throws IOException {
        Random random = new Random(seed);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < offsetLengthPairs.length; i += 2) {
                byte[] data = new byte[(int) offsetLengthPairs[i + 1]];
                random.nextBytes(data);
                ch.write(ByteBuffer.wrap(data), offsetLengthPairs[i]);
            }
        }
        // setLength extends with a hole, where a one-byte write would allocate the last block.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        return file;
    }

    /**
     * The patterned raw disk with part of its data made compressible (4 bits of entropy per
     * byte), so that {@code qemu-img convert -c} really stores compressed clusters.
     */
    public static Path compressibleRaw(Path file, long size, long seed) throws IOException {
        patternedRaw(file, size, seed);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            for (long pos = 0, n = 0; pos < size; pos += chunk.capacity(), n++) {
                if (n % 3 == 0) {
                    continue;
                }
                chunk.clear();
                int read = ch.read(chunk, pos);
                boolean data = false;
                for (int i = 0; i < read; i++) {
                    data |= chunk.get(i) != 0;
                }
                if (!data) {
                    continue;
                }
                for (int i = 0; i < read; i++) {
                    chunk.put(i, (byte) (chunk.get(i) & 0x0F));
                }
                chunk.flip();
                ch.write(chunk, pos);
            }
        }
        return file;
    }

    /** What the inspector says about an image file, named by its file name. */
    public static InspectionReport inspect(Path file) throws IOException {
        try (FileByteSource source = FileByteSource.open(file)) {
            return new Inspector(Limits.DEFAULT).inspect(source, file.getFileName().toString());
        }
    }

    /** What {@code check} finds in an image file read as {@code format}; empty when clean. */
    public static List<Finding> check(Path file, DiskFormat format) throws IOException {
        try (FileByteSource source = FileByteSource.open(file)) {
            return format.check(source, Limits.DEFAULT);
        }
    }

    /** What the inspector says about a crafted image held in memory. */
    public static InspectionReport inspect(byte[] image, String name) throws IOException {
        return inspect(image, name, Limits.DEFAULT);
    }

    /** What the inspector says about a crafted image held in memory, within {@code limits}. */
    public static InspectionReport inspect(byte[] image, String name, Limits limits) throws IOException {
        return new Inspector(limits).inspect(new MemoryByteSource(name, image), name);
    }

    private static void writeRandom(FileChannel ch, long pos, long len, Random random) throws IOException {
        byte[] buf = new byte[(int) Math.min(len, 1 << 20)];
        long done = 0;
        while (done < len) {
            int n = (int) Math.min(buf.length, len - done);
            random.nextBytes(buf);
            // Some sectors of a data run are zero, to test zero detection inside allocated clusters.
            if (random.nextInt(4) == 0 && n >= 1024) {
                Arrays.fill(buf, 512, 1024, (byte) 0);
            }
            ch.write(ByteBuffer.wrap(buf, 0, n), pos + done);
            done += n;
        }
    }

    private static void writeZeros(FileChannel ch, long pos, long len) throws IOException {
        byte[] zeros = new byte[(int) Math.min(len, 1 << 20)];
        long done = 0;
        while (done < len) {
            int n = (int) Math.min(zeros.length, len - done);
            ch.write(ByteBuffer.wrap(zeros, 0, n), pos + done);
            done += n;
        }
    }

    /** Asserts that reading the whole disk gives exactly the bytes of {@code raw}. */
    public static void assertSameContent(Path raw, VirtualDisk disk) throws IOException {
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ)) {
            assertEquals(ch.size(), disk.size(), "virtual size");
            int chunk = 1 << 20;
            ByteBuffer expected = ByteBuffer.allocate(chunk);
            ByteBuffer actual = ByteBuffer.allocate(chunk);
            for (long pos = 0; pos < disk.size(); pos += chunk) {
                int n = (int) Math.min(chunk, disk.size() - pos);
                expected.clear().limit(n);
                actual.clear().limit(n);
                while (expected.hasRemaining() && ch.read(expected, pos + expected.position()) >= 0) {
                    // fill
                }
                disk.read(pos, actual);
                if (!Arrays.equals(expected.array(), 0, n, actual.array(), 0, n)) {
                    int i = Arrays.mismatch(expected.array(), 0, n, actual.array(), 0, n);
                    fail("content differs at virtual offset " + (pos + i));
                }
            }
        }
    }
}
