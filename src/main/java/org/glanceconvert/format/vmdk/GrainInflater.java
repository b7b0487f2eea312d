package org.glanceconvert.format.vmdk;

import java.util.zip.Inflater;

/**
 * What inflating compressed grains needs, kept from grain to grain by one thread at a time: a zlib
 * inflater (reset for each grain, ended on {@link #close}) and a buffer that takes a grain's
 * marker and data in one read. {@link VmdkDisk} pools them, one per reading thread.
 */
final class GrainInflater implements AutoCloseable {
    private final Inflater inflater = new Inflater();
    private byte[] input = new byte[0];

    Inflater inflater() {
        return inflater;
    }

    /** A buffer of at least {@code length} bytes, reused. */
    byte[] input(int length) {
        if (input.length < length) {
            input = new byte[length];
        }
        return input;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
