package org.glanceconvert.format.qcow2;

import io.airlift.compress.zstd.ZstdDecompressor;
import java.nio.ByteBuffer;
import org.glanceconvert.image.ImageFormatException;

/**
 * compression_type 1: one zstd frame (RFC 8878), decoded in process by aircompressor (pure Java).
 *
 * <p>The descriptor's sectors usually hold bytes after the frame, often the start of the next
 * compressed cluster, itself a valid frame. So the frame's own length is found first, from its
 * header and block headers, and only those bytes are decoded: trailing bytes can neither be
 * mistaken for more data nor hide an oversized frame. Window sizes are capped before decoding, so
 * a crafted header cannot make the decoder allocate more than a few MiB. The frame is then decoded
 * in one call straight into the cluster (no stream buffers, no window), which fails rather than
 * write past it.
 */
final class ZstdClusterDecompressor extends ClusterDecompressor {
    private static final int MAGIC = 0xFD2FB528;
    private static final int MAX_BLOCK = 128 * 1024;
    private static final long MAX_WINDOW = 8L << 20;

    private final ZstdDecompressor zstd = new ZstdDecompressor();

    @Override
    void decompress(byte[] input, int length, ByteBuffer cluster) throws ImageFormatException {
        int wanted = cluster.remaining();
        int frameLength = frameLength(input, length, wanted);
        int start = cluster.position();
        try {
            zstd.decompress(ByteBuffer.wrap(input, 0, frameLength), cluster);
        } catch (RuntimeException e) {
            // aircompressor reports corrupt input, and output past the cluster, with unchecked exceptions.
            cluster.position(start);
            throw ClusterDecompressor.corrupt("invalid zstd data, or more than the cluster size (" + wanted
                    + " bytes): " + e);
        }
        int filled = cluster.position() - start;
        if (filled < wanted) {
            throw ClusterDecompressor.corrupt("zstd frame ends after " + filled + " of " + wanted
                    + " bytes of the cluster");
        }
    }

    /** Bytes of the zstd frame at the start of {@code input}, validated up to its block contents. */
    static int frameLength(byte[] b, int length, int clusterSize) throws ImageFormatException {
        if (length < 6 || (int) littleEndian(b, 0, 4) != MAGIC) {
            throw ClusterDecompressor.corrupt("compressed cluster does not start with a zstd frame");
        }
        int descriptor = b[4] & 0xFF;
        int contentSizeFlag = descriptor >>> 6;
        boolean singleSegment = (descriptor & 0x20) != 0;
        boolean checksum = (descriptor & 0x04) != 0;
        int dictionaryFlag = descriptor & 0x03;
        if ((descriptor & 0x08) != 0 || dictionaryFlag != 0) {
            throw ClusterDecompressor.corrupt("zstd frame with reserved bits or a dictionary");
        }
        int pos = 5;
        long window = -1;
        if (!singleSegment) {
            int w = b[pos++] & 0xFF;
            long base = 1L << (10 + (w >>> 3));
            window = base + (base >>> 3) * (w & 7);
        }
        int contentSizeBytes = switch (contentSizeFlag) {
            case 0 -> singleSegment ? 1 : 0;
            case 1 -> 2;
            case 2 -> 4;
            default -> 8;
        };
        if (pos + contentSizeBytes > length) {
            throw ClusterDecompressor.corrupt("zstd frame header runs past the compressed cluster");
        }
        if (contentSizeBytes > 0) {
            long contentSize = littleEndian(b, pos, contentSizeBytes) + (contentSizeBytes == 2 ? 256 : 0);
            if (contentSize != clusterSize) {
                throw ClusterDecompressor.corrupt("zstd frame declares " + Long.toUnsignedString(contentSize)
                        + " bytes, not the cluster size " + clusterSize);
            }
            if (singleSegment) {
                window = contentSize;
            }
            pos += contentSizeBytes;
        }
        if (window > MAX_WINDOW) {
            throw ClusterDecompressor.corrupt("zstd window of " + window + " bytes is above " + MAX_WINDOW);
        }
        while (true) {
            if (pos + 3 > length) {
                throw ClusterDecompressor.corrupt("zstd frame runs past the compressed cluster");
            }
            int block = (int) littleEndian(b, pos, 3);
            pos += 3;
            boolean last = (block & 1) != 0;
            int type = (block >>> 1) & 3;
            int size = block >>> 3;
            if (type == 3 || size > MAX_BLOCK) {
                throw ClusterDecompressor.corrupt("zstd block of reserved type or above 128 KiB");
            }
            pos += type == 1 ? 1 : size;
            if (pos > length) {
                throw ClusterDecompressor.corrupt("zstd block runs past the compressed cluster");
            }
            if (last) {
                break;
            }
        }
        if (checksum) {
            pos += 4;
            if (pos > length) {
                throw ClusterDecompressor.corrupt("zstd checksum runs past the compressed cluster");
            }
        }
        return pos;
    }

    private static long littleEndian(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }
}
