package org.glanceconvert.cli;

import org.glanceconvert.image.SparseFiles;

/**
 * Loads the native hole finder (JNA) on a second thread while the main thread parses the
 * command line: it was a large part of an image command's start-up, and a command uses it only
 * after its arguments are parsed. It is a class initialisation, so the main thread simply waits
 * if it is not finished when it gets there; it touches no class the command line's parsing
 * initialises. (Logging is not initialised at all unless something is logged:
 * {@link org.glanceconvert.log.LogbackConfigurator#mayLog}.)
 */
final class StartupWarmUp extends Thread {
    private StartupWarmUp() {
        super("startup-warm-up");
        setDaemon(true);
    }

    /** Starts the warm-up when {@code args} name a command that reads image files. */
    static void beginFor(String[] args) {
        if (args.length == 0 || !readsImages(args[0])) {
            return;
        }
        // A Thread subclass, not a method reference: a lambda would be spun up on the main thread.
        new StartupWarmUp().start();
    }

    private static boolean readsImages(String command) {
        switch (command) {
            case "convert":
            case "inspect":
            case "map":
            case "check":
            case "compare":
                return true;
            default:
                return false;
        }
    }

    @Override
    public void run() {
        try {
            SparseFiles.available();
        } catch (Throwable e) {
            // The main thread meets the same failure where it is handled and reported.
        }
    }
}
