package org.glanceconvert.format.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional writes into a new, empty file that leave holes where the bytes are zero, so that an
 * output file takes no disk space for the parts of the disk that are empty.
 */
public final class SparseFileOutput {
    /** Zero runs shorter than this are written: a hole smaller than a file system block saves nothing. */
    private static final int PAGE = 4096;

    private final FileChannel channel;

    public SparseFileOutput(FileChannel channel) {
        this.channel = channel;
    }

    /** Writes all of {@code bytes} at {@code position}. */
    public void write(long position, byte[] bytes) throws IOException {
        write(position, bytes, 0, bytes.length);
    }

    /** Writes {@code bytes[offset, offset + length)} at {@code position}. */
    public void write(long position, byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes, offset, length);
        long pos = position;
        while (buf.hasRemaining()) {
            pos += channel.write(buf, pos);
        }
    }

    /**
     * Writes {@code bytes[offset, offset + length)} at {@code position}, skipping every aligned page
     * that is all zero. The file must read zero there already (a new file, or a hole).
     */
    public void writeSkippingZeros(long position, byte[] bytes, int offset, int length) throws IOException {
        int runStart = -1;
        int i = 0;
        while (i < length) {
            int n = Math.min(PAGE, length - i);
            boolean zero = ZeroBytes.isZero(bytes, offset + i, n);
            if (!zero && runStart < 0) {
                runStart = i;
            } else if (zero && runStart >= 0) {
                write(position + runStart, bytes, offset + runStart, i - runStart);
                runStart = -1;
            }
            i += n;
        }
        if (runStart >= 0) {
            write(position + runStart, bytes, offset + runStart, length - runStart);
        }
    }

    /** Makes the file exactly {@code length} bytes long; a missing tail reads as zero. */
    public void finish(long length) throws IOException {
        long size = channel.size();
        if (size > length) {
            channel.truncate(length);
        } else if (size < length) {
            // FileChannel cannot extend a file without writing; one zero byte leaves the rest a hole.
            channel.write(ByteBuffer.wrap(new byte[1]), length - 1);
        }
    }
}
