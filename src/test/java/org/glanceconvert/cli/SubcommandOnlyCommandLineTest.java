package org.glanceconvert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The command line built for the sub-command named first behaves exactly as the whole tree. */
class SubcommandOnlyCommandLineTest {

    static List<Arguments> commandLines() {
        return List.<Object>of(
                new String[] {"--version"},
                new String[] {"-V"},
                new String[] {"--help"},
                new String[] {},
                new String[] {"convrt", "a", "b"},
                new String[] {"inspect", "--help"},
                new String[] {"convert", "--help"},
                new String[] {"convert", "-O"},
                new String[] {"convert", "--no-such-option", "a", "b"},
                new String[] {"convert", "-O", "qcow2", "/nonexistent/source", "/nonexistent/out.qcow2"},
                new String[] {"compare", "-h"},
                new String[] {"map", "--version"},
                new String[] {"check"},
                new String[] {"log", "--help"},
                new String[] {"run", "--help"},
                new String[] {"audit", "--help"},
                new String[] {"-V", "convert"},
                new String[] {"inspect", "/nonexistent/image"}).stream().map(a -> Arguments.of(a)).toList();
    }

    @ParameterizedTest
    @MethodSource("commandLines")
    void sameExitCodeAndOutput(String[] args) {
        assertEquals(run(Main.commandLine(), args), run(Main.commandLine(args), args), String.join(" ", args));
    }

    private static String run(CommandLine cli, String[] args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return "exit " + code + "\nout:\n" + out + "\nerr:\n" + err;
    }
}
