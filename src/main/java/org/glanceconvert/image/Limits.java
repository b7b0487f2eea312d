package org.glanceconvert.image;

/**
 * Caps on what an untrusted image may make us allocate, read or spend. Every size read from a
 * file is checked against these before anything is allocated for it. The defaults and the
 * command-line options that change them are in docs/contracts.md ("Limits").
 *
 * <p>There is deliberately no decompression-ratio cap. Compressed data is bounded per unit by
 * construction: a qcow2 compressed cluster or a VMDK grain inflates into a buffer of exactly one
 * cluster or grain (at most 2 MiB), its stored bytes are at most about twice that, and a stream
 * that does not fill the buffer exactly is refused ({@code qcow2.compressed_cluster},
 * {@code vmdk.grain}); zstd windows are capped before decoding. A ratio would refuse legitimate
 * images (deflate turns a zero cluster into ~1030:1, zstd into far more), and the total work of
 * reading is bounded by the virtual size, which is capped.
 *
 * @param maxVirtualSize      largest virtual disk accepted
 * @param maxTableBytes       largest single metadata table (L1, refcount table, BAT, grain directory, block map)
 * @param maxDescriptorBytes  largest VMDK text descriptor
 * @param maxCacheBytes       metadata cache per open image (L2 tables, grain tables, BAT pages)
 * @param maxInspectReadBytes total bytes one inspection may read
 * @param maxInspectMillis    time one inspection may take
 */
public record Limits(long maxVirtualSize, long maxTableBytes, long maxDescriptorBytes,
                     long maxCacheBytes, long maxInspectReadBytes, long maxInspectMillis) {

    public static final long KiB = 1024L;
    public static final long MiB = 1024L * KiB;
    public static final long GiB = 1024L * MiB;
    public static final long TiB = 1024L * GiB;

    /** The documented defaults (docs/contracts.md). */
    public static final Limits DEFAULT = new Limits(16 * TiB, 32 * MiB, 1 * MiB, 32 * MiB, 128 * MiB, 30_000);

    public Limits {
        if (maxVirtualSize < 0 || maxTableBytes < 0 || maxDescriptorBytes < 0 || maxCacheBytes < 0
                || maxInspectReadBytes < 0 || maxInspectMillis < 0) {
            throw new IllegalArgumentException("limits cannot be negative");
        }
    }

    public Limits withMaxVirtualSize(long bytes) {
        return new Limits(bytes, maxTableBytes, maxDescriptorBytes, maxCacheBytes, maxInspectReadBytes,
                maxInspectMillis);
    }

    public Limits withMaxTableBytes(long bytes) {
        return new Limits(maxVirtualSize, bytes, maxDescriptorBytes, maxCacheBytes, maxInspectReadBytes,
                maxInspectMillis);
    }

    public Limits withMaxDescriptorBytes(long bytes) {
        return new Limits(maxVirtualSize, maxTableBytes, bytes, maxCacheBytes, maxInspectReadBytes,
                maxInspectMillis);
    }

    public Limits withMaxCacheBytes(long bytes) {
        return new Limits(maxVirtualSize, maxTableBytes, maxDescriptorBytes, bytes, maxInspectReadBytes,
                maxInspectMillis);
    }

    public Limits withMaxInspectReadBytes(long bytes) {
        return new Limits(maxVirtualSize, maxTableBytes, maxDescriptorBytes, maxCacheBytes, bytes,
                maxInspectMillis);
    }

    public Limits withMaxInspectMillis(long millis) {
        return new Limits(maxVirtualSize, maxTableBytes, maxDescriptorBytes, maxCacheBytes, maxInspectReadBytes,
                millis);
    }

    /** Throws unless {@code size} is an acceptable virtual size. */
    public void checkVirtualSize(long size) throws ImageFormatException {
        if (size < 0 || size > maxVirtualSize) {
            throw new ImageFormatException(Check.LIMITS_VIRTUAL_SIZE, "virtual size " + Long.toUnsignedString(size)
                    + " exceeds the limit of " + maxVirtualSize + " bytes");
        }
    }

    /** Throws unless a table of {@code bytes} (as read from the file: maybe negative) fits. */
    public void checkTableBytes(String what, long bytes) throws ImageFormatException {
        if (bytes < 0 || bytes > maxTableBytes) {
            throw new ImageFormatException(Check.LIMITS_TABLE_SIZE, what + " of " + Long.toUnsignedString(bytes)
                    + " bytes exceeds the limit of " + maxTableBytes + " bytes");
        }
    }

    /** Throws unless a descriptor of {@code bytes} fits. */
    public void checkDescriptorBytes(long bytes) throws ImageFormatException {
        if (bytes < 0 || bytes > maxDescriptorBytes) {
            throw new ImageFormatException(Check.LIMITS_DESCRIPTOR_SIZE, "descriptor of " + Long.toUnsignedString(bytes)
                    + " bytes exceeds the limit of " + maxDescriptorBytes + " bytes");
        }
    }
}
