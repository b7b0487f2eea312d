package org.glanceconvert.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An output file whose bulk data may bypass the page cache: a positional write of a direct
 * buffer whose address, length and file position are all multiples of the file system's block
 * size goes either through the ordinary descriptor or through a second one opened with
 * {@code O_DIRECT}, as the {@link WritePathChooser} decides; every other call (headers, tables,
 * compressed clusters, gathering writes, reads, size, truncation) uses the ordinary descriptor.
 * Linux keeps the two coherent for one file: a direct write first writes back and drops the
 * cached pages of its range, and a later cached write reads its page back from the disk
 * ({@code DirectIoFileChannelTest} overwrites both ways in every order).
 */
public final class DirectIoFileChannel extends FileChannel {
    private final FileChannel buffered;
    private final FileChannel direct;
    private final int alignment;
    private final WritePathChooser chooser;
    private final AtomicLong directBytes = new AtomicLong();

    /**
     * @param buffered  the ordinary descriptor
     * @param direct    a descriptor of the same file opened with {@code O_DIRECT}
     * @param alignment the file system's block size, which direct I/O requires of buffer
     *                  addresses, lengths and file positions
     * @param mode      {@link WriteCache#AUTO} or {@link WriteCache#NONE}
     */
    public DirectIoFileChannel(FileChannel buffered, FileChannel direct, int alignment, WriteCache mode) {
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        this.buffered = buffered;
        this.direct = direct;
        this.alignment = alignment;
        this.chooser = new WritePathChooser(mode);
    }

    /** Whether a write of {@code src} at {@code position} meets direct I/O's alignment rules. */
    boolean aligned(ByteBuffer src, long position) {
        int mask = alignment - 1;
        return src.isDirect() && src.hasRemaining() && (position & mask) == 0 && (src.remaining() & mask) == 0
                && src.alignmentOffset(src.position(), alignment) == 0;
    }

    /** Bytes written with direct I/O so far. */
    public long directBytes() {
        return directBytes.get();
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (!aligned(src, position)) {
            return buffered.write(src, position);
        }
        boolean toDirect = chooser.direct();
        long started = System.nanoTime();
        int n = toDirect ? direct.write(src, position) : buffered.write(src, position);
        chooser.wrote(toDirect, n, System.nanoTime() - started);
        if (toDirect) {
            directBytes.addAndGet(n);
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return buffered.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return buffered.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return buffered.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return buffered.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
        return buffered.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        buffered.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return buffered.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        buffered.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        // One inode: syncing either descriptor writes the file out and flushes the device's cache.
        buffered.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return buffered.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return buffered.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return buffered.read(dst, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return buffered.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return buffered.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return buffered.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        try (direct) {
            buffered.close();
        }
    }
}
