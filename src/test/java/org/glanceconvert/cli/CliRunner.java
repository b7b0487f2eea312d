package org.glanceconvert.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Runs the real command line in-process and captures what it prints. */
public final class CliRunner {
    private CliRunner() {
    }

    /** Exit status and output of one command line. */
    public record Outcome(int exitCode, String out, String err) {
    }

    public static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    /**
     * Runs a command whose image output goes to standard output ({@code convert ... -}), with
     * that output written to the new file {@code captured} instead.
     */
    public static synchronized Outcome runToStandardOutput(Path captured, String... args) throws IOException {
        Supplier<WritableByteChannel> real = ConvertCommand.standardOutput;
        try (FileChannel ch = FileChannel.open(captured, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ConvertCommand.standardOutput = () -> ch;
            return run(args);
        } finally {
            ConvertCommand.standardOutput = real;
        }
    }
}
