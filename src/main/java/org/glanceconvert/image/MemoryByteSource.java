package org.glanceconvert.image;

import java.nio.ByteBuffer;

/** Bytes held in memory: small crafted images in tests, headers already fetched. */
public final class MemoryByteSource implements ByteSource {
    private final byte[] bytes;
    private final String name;

    public MemoryByteSource(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        if (position >= bytes.length) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), bytes.length - position);
        dst.put(bytes, (int) position, n);
        return n;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
    }
}
