package org.glanceconvert.image;

import java.io.IOException;

/**
 * Walks a virtual disk's extents in order. Reading metadata may fail part-way (a corrupt L2
 * table), so {@link #next()} may throw.
 */
@FunctionalInterface
public interface ExtentCursor {

    /** The next extent, or null after the last one. */
    Extent next() throws IOException;

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
