package org.glanceconvert.format.qcow2;

import java.util.Locale;

/**
 * The qcow2 {@code compression_type} header field (byte 104). zlib (0) is the default and needs no
 * header bit; any other type sets incompatible feature bit 3.
 */
public enum Qcow2Compression {
    ZLIB(0),
    ZSTD(1);

    private final int code;

    Qcow2Compression(int code) {
        this.code = code;
    }

    /** The header's compression_type value. */
    public int code() {
        return code;
    }

    /** The option spelling, as QEMU's {@code -o compression_type=}. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
