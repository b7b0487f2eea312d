package org.glanceconvert.hostile;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.glanceconvert.cli.Main;
import picocli.CommandLine;

/**
 * The child JVM of {@link NoOtherFileIsOpenedTest}, run under {@code strace}: runs command lines
 * through the real CLI, and before each one tries to open a marker file that does not exist, so
 * that the trace can be cut into one piece per command. Arguments: the warm-up commands file,
 * the commands file (one command line per line, arguments separated by tabs), the marker
 * directory, and a file the canary step opens after the last command.
 */
public final class FileOpenDriver {
    private FileOpenDriver() {
    }

    public static void main(String[] args) throws IOException {
        // Warm-up: loads the classes and native helpers every command needs, outside any piece.
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            run(line);
        }
        Path markers = Path.of(args[2]);
        List<String> commands = Files.readAllLines(Path.of(args[1]));
        for (int i = 0; i < commands.size(); i++) {
            mark(markers.resolve("begin-" + i));
            int status = run(commands.get(i));
            System.out.println(i + "\t" + status);
        }
        mark(markers.resolve("canary"));
        // Proves the recorder sees an open of a file outside the image: the test expects it here.
        Files.readAllBytes(Path.of(args[3]));
        mark(markers.resolve("end"));
    }

    private static int run(String line) {
        CommandLine cli = Main.commandLine();
        PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        cli.setOut(sink);
        cli.setErr(sink);
        return cli.execute(line.split("\t"));
    }

    private static void mark(Path marker) throws IOException {
        try {
            Files.newInputStream(marker).close();
        } catch (NoSuchFileException expected) {
            // the failed open is the mark
        }
    }
}
