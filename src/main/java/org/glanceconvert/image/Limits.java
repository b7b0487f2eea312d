package org.glanceconvert.image;

/**
 * Caps on what an untrusted image may make us allocate, read or spend. Every size read from a
 * file is checked against these before anything is allocated for it.
 *
 * @param maxVirtualSize        largest virtual disk accepted
 * @param maxTableBytes         largest single metadata table (L1, refcount table, BAT, ...)
 * @param maxDescriptorBytes    largest VMDK text descriptor
 * @param maxCacheBytes         metadata cache per open image (L2 tables, grain tables)
 * @param maxDecompressionRatio largest inflated/compressed ratio of one compressed unit
 * @param maxInspectReadBytes   total bytes one inspection may read
 * @param maxInspectMillis      time one inspection may take
 */
public record Limits(long maxVirtualSize, long maxTableBytes, long maxDescriptorBytes,
                     long maxCacheBytes, long maxDecompressionRatio, long maxInspectReadBytes,
                     long maxInspectMillis) {

    public static final long KiB = 1024L;
    public static final long MiB = 1024L * KiB;
    public static final long GiB = 1024L * MiB;
    public static final long TiB = 1024L * GiB;

    /** The documented defaults (docs/contracts.md). */
    public static final Limits DEFAULT =
            new Limits(16 * TiB, 32 * MiB, 1 * MiB, 32 * MiB, 1024, 128 * MiB, 30_000);

    public Limits withMaxVirtualSize(long bytes) {
        return new Limits(bytes, maxTableBytes, maxDescriptorBytes, maxCacheBytes,
                maxDecompressionRatio, maxInspectReadBytes, maxInspectMillis);
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
