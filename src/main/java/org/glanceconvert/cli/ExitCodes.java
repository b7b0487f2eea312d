package org.glanceconvert.cli;

import java.io.EOFException;
import java.io.IOException;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The exit statuses every command shares: 0 yes (safe, identical, clean, done), 1 no (unsafe,
 * refused, differs, problems found), 2 usage, configuration or I/O error.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int NO = 1;
    public static final int ERROR = 2;

    private ExitCodes() {
    }

    static int forException(Throwable t) {
        return t instanceof ImageFormatException || t instanceof EOFException ? NO : ERROR;
    }

    static int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        String prefix = "glance-convert " + cli.getCommandName() + ": ";
        if (e instanceof ImageFormatException ife) {
            String id = "[" + ife.check().id() + "]";
            cli.getErr().println(prefix + ife.getMessage() + (ife.getMessage().contains(id) ? "" : " " + id));
            return NO;
        }
        if (e instanceof EOFException) {
            // A structure the image describes lies past its end: the image is truncated, not unreadable.
            cli.getErr().println(prefix + "the image ends before a structure it describes: " + e.getMessage()
                    + " [" + Check.FORMAT_TRUNCATED.id() + "]");
            return NO;
        }
        if (e instanceof IOException) {
            cli.getErr().println(prefix + describe(e));
            return ERROR;
        }
        cli.getErr().println(prefix + "internal error: " + e);
        e.printStackTrace(cli.getErr());
        return ERROR;
    }

    static int handleParameterException(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        cli.getErr().println("glance-convert: " + e.getMessage());
        cli.getErr().println("Try 'glance-convert " + (cli.getParent() == null ? "" : cli.getCommandName() + " ")
                + "--help' for more information.");
        return ERROR;
    }

    /** A one-line reason for an I/O failure, naming the file where Java only gives its path. */
    static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException n) {
            return n.getFile() + ": no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
