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
final class StartupWarmUp {
    private StartupWarmUp() {
    }

    /** Starts the warm-up when {@code args} name a command that reads image files. */
    static void beginFor(String[] args) {
        if (args.length == 0 || !readsImages(args[0])) {
            return;
        }
        Thread thread = new Thread(StartupWarmUp::warmUp, "startup-warm-up");
        thread.setDaemon(true);
        thread.start();
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

    private static void warmUp() {
        try {
            LoggerFactory.getILoggerFactory();
            SparseFiles.available();
        } catch (Throwable e) {
            // The main thread meets the same failure where it is handled and reported.
        }
    }
}
