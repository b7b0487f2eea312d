package org.glanceconvert.notify;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Acknowledges one delivery exactly once, whichever comes first: the decision recorded in Glance,
 * or the end of the image's processing (skips, errors). Later calls do nothing.
 */
public final class Settlement implements Runnable {
    private final AtomicBoolean done = new AtomicBoolean();
    private final Runnable ack;

    public Settlement(Runnable ack) {
        this.ack = ack;
    }

    /** A settlement with nothing to acknowledge (polling). */
    public static Settlement none() {
        return new Settlement(() -> { });
    }

    @Override
    public void run() {
        if (done.compareAndSet(false, true)) {
            ack.run();
        }
    }

    public boolean settled() {
        return done.get();
    }
}
