package org.glanceconvert.image;

import java.io.IOException;

/**
 * Walks a virtual disk's extents in order. Reading metadata may fail part-way (a corrupt L2
 * table), so {@link #next()} may throw.
 */
@FunctionalInterface
public interface ExtentCursor {

    /** Says what a disk holds from a position on, as one extent starting there. */
    @FunctionalInterface
    interface ExtentAt {
        /** The extent starting exactly at {@code position}; it may end anywhere after it. */
        Extent at(long position) throws IOException;
    }

    /** The next extent, or null after the last one. */
    Extent next() throws IOException;

    /**
     * A cursor over {@code [offset, size)} that asks {@code at} for the extent at each position,
     * starting at {@code offset} and then where the previous extent ended: how readers that map
     * their disk block by block list its extents.
     */
    static ExtentCursor walking(long offset, long size, ExtentAt at) {
        if (offset < 0 || offset > size) {
            throw new IllegalArgumentException("offset " + offset + " outside the disk of " + size + " bytes");
        }
        return new ExtentCursor() {
            private long pos = offset;

            @Override
            public Extent next() throws IOException {
                if (pos >= size) {
                    return null;
                }
                Extent e = at.at(pos);
                pos = e.end();
                return e;
            }
        };
    }

    /** A cursor that joins adjacent extents of the same state into one. */
    default ExtentCursor coalesced() {
        ExtentCursor raw = this;
        return new ExtentCursor() {
            private Extent pending;
            private boolean done;

            @Override
            public Extent next() throws IOException {
                if (done) {
                    return null;
                }
                Extent run = pending != null ? pending : raw.next();
                pending = null;
                if (run == null) {
                    done = true;
                    return null;
                }
                while (true) {
                    Extent following = raw.next();
                    if (following == null) {
                        done = true;
                        return run;
                    }
                    Extent joined = run.joinedWith(following);
                    if (joined == null) {
                        pending = following;
                        return run;
                    }
                    run = joined;
                }
            }
        };
    }
}
