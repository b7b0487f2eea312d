package org.glanceconvert.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.glanceconvert.format.DiskFormatWriter;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;

/** Write options, sources and oracle checks shared by the writer tests. */
public final class WriterFixtures {
    /**
     * The size writer tests use: not a multiple of a 64 KiB grain, a VHD or VHDX block, nor a VHD
     * CHS geometry, with data at both ends (patternedRaw guarantees it).
     */
    public static final long ODD_SIZE = 5 * Limits.MiB + 7 * 512;

    private WriterFixtures() {
    }

    /** Write options from {@code key=value} pairs. */
    public static WriteOptions options(boolean compress, int threads, String... pairs) {
        Map<String, String> values = new HashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return new WriteOptions(values, compress, threads);
    }

    public static WriteOptions options(String... pairs) {
        return options(false, 2, pairs);
    }

    /** Converts raw file {@code raw} with {@code writer} into the new file {@code out} (seekable path). */
    public static Path writeFile(DiskFormatWriter writer, Path raw, Path out, WriteOptions options) throws IOException {
        try (VirtualDisk disk = FileDisk.raw(raw);
             FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     StandardOpenOption.READ)) {
            writer.validate(disk, options);
            ProgressTotal progress = new ProgressTotal();
            writer.write(disk, ch, options, progress);
            assertEquals(disk.size(), progress.total, "progress covers the whole disk");
        }
        return out;
    }

    /** Converts through {@link DiskFormatWriter#writeStream} into a channel that cannot seek. */
    public static Path writeStream(DiskFormatWriter writer, Path raw, Path out, WriteOptions options)
            throws IOException {
        try (VirtualDisk disk = FileDisk.raw(raw);
             FileOutputStream stream = new FileOutputStream(out.toFile());
             WritableByteChannel ch = Channels.newChannel(stream)) {
            writer.validate(disk, options);
            ProgressTotal progress = new ProgressTotal();
            writer.writeStream(disk, ch, options, progress);
            assertEquals(disk.size(), progress.total, "progress covers the whole disk");
        }
        return out;
    }

    /** qemu-img compare says the image holds exactly the raw file's bytes. */
    public static void assertIdentical(Path raw, Path image, String qemuFormat) throws IOException {
        QemuImg.Result r = QemuImg.compare(raw, "raw", image, qemuFormat);
        assertEquals(0, r.exitCode(), "qemu-img compare: " + r.stdout() + r.stderr());
    }

    /**
     * qemu-img compare of one range of both disks (a raw node with offset and size over each),
     * for large disks whose format gives qemu no allocation map to skip zeros with.
     */
    public static void assertIdenticalRange(Path raw, Path image, String qemuFormat, long offset, long length)
            throws IOException {
        String window = "driver=raw,offset=" + offset + ",size=" + length;
        QemuImg.Result r = QemuImg.run("compare", "--image-opts",
                window + ",file.driver=" + qemuFormat + ",file.file.driver=file,file.file.filename=" + image,
                window + ",file.driver=file,file.filename=" + raw);
        assertEquals(0, r.exitCode(), "qemu-img compare of " + offset + "+" + length + ": " + r.stdout() + r.stderr());
    }

    /** qemu-img check finds nothing wrong (it cannot check vpc or raw images: exit 63). */
    public static void assertCheckClean(Path image, String qemuFormat) throws IOException {
        QemuImg.Result r = QemuImg.check(image, qemuFormat);
        assertEquals(0, r.exitCode(), "qemu-img check: " + r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("No errors were found"), r.stdout());
    }

    /** Reads {@code length} bytes of a file at {@code offset}. */
    public static byte[] readAt(Path file, long offset, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining() && ch.read(b, offset + b.position()) >= 0) {
                // fill
            }
            return b.array();
        }
    }

    public static long fileSize(Path file) throws IOException {
        return Files.size(file);
    }

    /** Sums progress reports. */
    public static final class ProgressTotal implements WriteProgress {
        public long total;

        @Override
        public void advanced(long virtualBytes) {
            total += virtualBytes;
        }
    }

    /** A disk of {@code size} bytes with no data at all, for limit tests that need no big file. */
    public static VirtualDisk unallocatedDisk(long size) {
        return new VirtualDisk() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public ExtentCursor extents(long offset) {
                return new ExtentCursor() {
                    private boolean done = offset >= size;

                    @Override
                    public Extent next() {
                        if (done) {
                            return null;
                        }
                        done = true;
                        return Extent.unallocated(offset, size - offset);
                    }
                };
            }

            @Override
            public void read(long offset, ByteBuffer dst) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
            }

            @Override
            public void close() {
            }
        };
    }
}
