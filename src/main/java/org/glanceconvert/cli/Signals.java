package org.glanceconvert.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT as a request to stop, so that {@code run} can finish its work and exit 0
 * (a JVM shutdown hook could only exit 143). Falls back to a shutdown hook when the JDK does not
 * offer {@code sun.misc.Signal}.
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    static void onTermination(Runnable stop) {
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    LOG.info("SIG{} received", name);
                    stop.run();
                });
            }
        } catch (IllegalArgumentException | LinkageError e) {
            LOG.debug("no signal handling ({}); using a shutdown hook", e.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
        }
    }
}
