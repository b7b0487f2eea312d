package org.glanceconvert.cli;

import org.glanceconvert.image.SparseFiles;
import org.slf4j.LoggerFactory;

/**
 * Configures logging and loads the native hole finder (JNA) on a second thread while the main
 * thread parses the command line: together they were about a third of an image command's
 * start-up, and a command uses both only after its arguments are parsed. Each is a class
 * initialisation, so the main thread simply waits for whatever part is not finished when it
 * gets there; neither touches a class the command line's parsing initialises.
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
            LoggerFactory.getILoggerFactory();
            SparseFiles.available();
        } catch (Throwable e) {
            // The main thread meets the same failure where it is handled and reported.
        }
    }
}
