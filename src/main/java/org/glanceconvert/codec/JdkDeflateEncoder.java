package org.glanceconvert.codec;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/** Deflate by java.util.zip (the system zlib inside the JDK), when libdeflate is not available. */
final class JdkDeflateEncoder implements DeflateEncoder {
    private final Deflater deflater;

    JdkDeflateEncoder(Framing framing, int level) {
        this.deflater = new Deflater(level, framing == Framing.RAW);
    }

    @Override
    public int compress(ByteBuffer src, ByteBuffer dst) {
        int start = dst.position();
        ByteBuffer room = dst.slice(start, dst.remaining());
        deflater.reset();
        deflater.setInput(src.duplicate());
        deflater.finish();
        while (!deflater.finished() && room.hasRemaining()) {
            deflater.deflate(room);
        }
        if (!deflater.finished()) {
            return -1;
        }
        dst.position(start + room.position());
        return room.position();
    }

    @Override
    public String implementation() {
        return "java.util.zip";
    }

    @Override
    public void close() {
        deflater.end();
    }
}
