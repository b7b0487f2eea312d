package org.glanceconvert.format.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.glanceconvert.testing.TestImages;

/** Test images for qcow2 and the comparisons against qemu-img that every variant goes through. */
final class Qcow2Fixtures {
    /** Not a multiple of any cluster size above 512 B, so the last cluster is partial. */
    static final long DISK_SIZE = 5 * 1024 * 1024 + 3 * 512;

    private Qcow2Fixtures() {
    }

    /**
     * The patterned raw disk with part of its data made compressible (4 bits of entropy per
     * byte), so that {@code qemu-img convert -c} really stores compressed clusters.
     */
    static Path compressibleRaw(Path file, long size, long seed) throws IOException {
        TestImages.patternedRaw(file, size, seed);
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
}
