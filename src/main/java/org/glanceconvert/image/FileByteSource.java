package org.glanceconvert.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A local file, read with positional reads (thread-safe) and asked for its holes. */
public final class FileByteSource implements ByteSource {
    private final FileChannel channel;
    private final String name;
    private final Path path;
    private final SparseFiles.Handle sparse;

    private FileByteSource(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
        this.name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        this.sparse = SparseFiles.open(path);
    }

    /** Opens {@code path} read-only. This is the only place the CLI turns a path into bytes. */
    public static FileByteSource open(Path path) throws IOException {
        return new FileByteSource(path, FileChannel.open(path, StandardOpenOption.READ));
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        if (position >= channel.size()) {
            return -1;
        }
        return channel.read(dst, position);
    }

    @Override
    public long allocatedSize() throws IOException {
        return SparseFiles.allocatedBytes(path);
    }

    @Override
    public long nextData(long position) throws IOException {
        return sparse.nextData(position, channel.size());
    }

    @Override
    public long nextHole(long position) throws IOException {
        return sparse.nextHole(position, channel.size());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            sparse.close();
        }
    }
}
