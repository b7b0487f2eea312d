package org.glanceconvert.audit;

import java.util.Locale;
import org.glanceconvert.log.Action;

/**
 * What a conversion would do to the bytes Glance stores for an image, estimated from what the
 * audit already knows (Glance's {@code size}, the inspected virtual size and format) without
 * reading data. docs/contracts.md ("audit") documents every basis.
 *
 * @param targetSize the estimated size of the converted image, null when unknown
 * @param basis      how it was estimated (see {@link Basis})
 * @param delta      targetSize minus the image's current size (positive: conversion adds bytes), null when unknown
 */
public record SizeEstimate(Long targetSize, Basis basis, Long delta) {

    /** How a target size is estimated. */
    public enum Basis {
        /** A relabel keeps the very same bytes. */
        SAME_BYTES,
        /** A raw target is exactly the virtual size. */
        VIRTUAL_SIZE,
        /**
         * A sparse target from a raw (or ISO) source: at most the virtual size. Which runs are zero is
         * only known by reading every byte, which the audit does not do.
         */
        VIRTUAL_SIZE_UPPER_BOUND,
        /**
         * A sparse target from an uncompressed sparse source: the allocated data carries over, so the
         * target is about the source's stored size (metadata tables differ by a small amount).
         */
        STORED_DATA,
        /** Compressed source or compressed target (streamOptimized vmdk): depends on the content. */
        UNKNOWN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The estimate for one image, or null when the action changes no bytes (ok, reject, skip, fail). */
    public static SizeEstimate of(Action action, String target, String realFormat, String subformat,
                                  Long virtualSize, Long storedSize) {
        if (action == Action.RELABEL) {
            return new SizeEstimate(storedSize, Basis.SAME_BYTES, storedSize == null ? null : 0L);
        }
        if (action != Action.CONVERT) {
            return null;
        }
        if (virtualSize == null || storedSize == null) {
            return unknown();
        }
        if ("raw".equals(target)) {
            return known(virtualSize, Basis.VIRTUAL_SIZE, storedSize);
        }
        if ("vmdk".equals(target)) {
            return unknown(); // the daemon writes streamOptimized (deflate) vmdk
        }
        if ("raw".equals(realFormat) || "iso".equals(realFormat)) {
            return known(virtualSize, Basis.VIRTUAL_SIZE_UPPER_BOUND, storedSize);
        }
        if ("vmdk".equals(realFormat) && "streamOptimized".equalsIgnoreCase(subformat)) {
            return unknown();
        }
        return known(Math.min(storedSize, virtualSize), Basis.STORED_DATA, storedSize);
    }

    private static SizeEstimate known(long target, Basis basis, long stored) {
        return new SizeEstimate(target, basis, target - stored);
    }

    private static SizeEstimate unknown() {
        return new SizeEstimate(null, Basis.UNKNOWN, null);
    }
}
