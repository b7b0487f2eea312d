package org.glanceconvert.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No command opens any file but its arguments (issue 8, CVE-2022-47951 and CVE-2024-32498 class):
 * the whole hostile corpus — including vmdk descriptors naming {@code /etc/passwd} and
 * {@code ../x}, and qcow2 backing and data files naming a real file — goes through
 * {@code inspect}, {@code check}, {@code convert}, {@code map} and {@code compare} in a child JVM
 * run under {@code strace -f}, which records every open(2)/openat(2)/openat2(2)/creat(2) of every
 * thread as the kernel sees it: JNA, zlib and anything native included, and attempts that fail
 * count too. The trace is cut into one piece per command by marker opens; in each piece the only
 * files opened may be that command's image argument(s), its output file and the output's temporary
 * sibling, and what the JVM itself reads (its own class path and java.home, {@code /proc},
 * {@code /sys}, {@code /dev/urandom}). No process is started either. A canary step that opens
 * {@code /etc/passwd} proves the recorder sees what it must.
 *
 * <p>Why strace and not an in-process recorder: a SecurityManager is deprecated; JFR's
 * jdk.FileRead/FileWrite events see reads, not opens, and only through java.io/NIO; a Java agent
 * sees only the methods it instruments. The kernel's view misses nothing.
 */
class NoOtherFileIsOpenedTest {
    private static final Pattern OPEN = Pattern.compile(
            "^(\\d+)\\s+(open|openat|openat2|creat)\\((?:(AT_FDCWD|-?\\d+), )?\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern EXEC = Pattern.compile("^(\\d+)\\s+execve(at)?\\(");
    private static final String[] COMMANDS = {"inspect", "check", "convert", "map", "compare"};

    @TempDir
    Path dir;

    @Test
    void commandsOpenOnlyTheirArguments() throws Exception {
        assumeStrace();
        Path corpus = HostileCorpus.writeTo(dir.resolve("corpus"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path warm = Files.createDirectories(dir.resolve("warm"));
        Path markers = dir.resolve("markers");
        Path canary = Path.of("/etc/passwd");

        List<Command> commands = new ArrayList<>();
        for (String name : HostileCorpus.all().keySet()) {
            for (String verb : COMMANDS) {
                commands.add(command(verb, corpus.resolve(name), out));
            }
        }
        List<String> warmUp = new ArrayList<>();
        for (HostileCorpus.Sample s : HostileCorpus.valid()) {
            for (String verb : COMMANDS) {
                warmUp.add(String.join("\t", command(verb, corpus.resolve(s.name()), warm).args()));
            }
        }
        warmUp.add(String.join("\t", command("convert", corpus.resolve("qcow2-l2-past-eof.qcow2"), warm).args()));
        Path warmFile = Files.write(dir.resolve("warm-up.txt"), warmUp);
        Path commandFile = Files.write(dir.resolve("commands.txt"),
                commands.stream().map(c -> String.join("\t", c.args())).toList());

        Path trace = dir.resolve("trace.txt");
        String classPath = System.getProperty("java.class.path");
        List<String> argv = List.of("strace", "-f", "--seccomp-bpf", "-qq", "-e", "signal=none",
                "-e", "trace=open,openat,openat2,creat,execve,execveat", "-o", trace.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                FileOpenDriver.class.getName(), warmFile.toString(), commandFile.toString(), markers.toString(),
                canary.toString());
        Process child = new ProcessBuilder(argv).directory(corpus.toFile())
                .redirectOutput(dir.resolve("child.out").toFile()).redirectError(dir.resolve("child.err").toFile())
                .start();
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the traced run finishes");
        String childErr = Files.readString(dir.resolve("child.err"));
        assertEquals(0, child.exitValue(), childErr);
        List<String> statuses = Files.readAllLines(dir.resolve("child.out"));
        assertEquals(commands.size(), statuses.size(), "every command ran: " + childErr);
        assertStatusesMatchTheTable(commands, statuses);

        Allowed jvm = new Allowed(classPath, corpus);
        Map<String, List<String>> pieces = pieces(Files.readAllLines(trace), markers, corpus);
        List<String> leaks = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            List<String> opened = pieces.get("begin-" + i);
            assertTrue(opened != null, "marker of command " + i + " in the trace");
            assertTrue(opened.contains(c.image().toString()), "the trace shows " + c + " opening its image: " + opened);
            for (String path : opened) {
                if (!c.mayOpen(path) && !jvm.covers(path)) {
                    leaks.add(c + " opened " + path);
                }
            }
        }
        assertEquals(List.of(), leaks);
        assertTrue(pieces.get("canary").contains(canary.toString()), "the recorder sees an open of " + canary
                + " when one happens: " + pieces.get("canary"));
        assertEquals(List.of(), pieces.get("exec"), "no process is started after the warm-up");
    }

    /** One command line; what it may open besides the JVM's own files. */
    record Command(String verb, Path image, Path output, List<String> args) {
        boolean mayOpen(String path) {
            return path.equals(image.toString())
                    || output != null && (path.equals(output.toString()) || path.startsWith(output + ".tmp-"));
        }

        @Override
        public String toString() {
            return verb + " " + image.getFileName();
        }
    }

    private static Command command(String verb, Path image, Path outDir) {
        String file = image.toString();
        return switch (verb) {
            case "convert" -> {
                Path output = outDir.resolve(image.getFileName() + ".qcow2");
                yield new Command(verb, image, output, List.of("convert", "-O", "qcow2", file, output.toString()));
            }
            case "compare" -> new Command(verb, image, null, List.of("compare", file, file));
            default -> new Command(verb, image, null, List.of(verb, file));
        };
    }

    /** The child's exit statuses are the table's: the commands got as far as the corpus test's. */
    private static void assertStatusesMatchTheTable(List<Command> commands, List<String> statuses) throws IOException {
        Map<String, HostileCorpusTest.Row> table = HostileCorpusTest.readTable();
        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            String cell = table.get(c.image().getFileName().toString()).cells().get(c.verb());
            assertEquals(i + "\t" + (cell.equals("ok") ? 0 : 1), statuses.get(i), c.toString());
        }
    }

    /**
     * Paths opened after each marker, by marker name ("begin-N", "canary"); "exec" lists the
     * processes started after the first marker.
     */
    private static Map<String, List<String>> pieces(List<String> trace, Path markers, Path cwd) {
        Map<String, List<String>> pieces = new LinkedHashMap<>();
        List<String> execs = new ArrayList<>();
        List<String> current = null;
        String markerPrefix = markers + "/";
        for (String line : trace) {
            Matcher open = OPEN.matcher(line);
            if (open.find()) {
                String path = open.group(4);
                if (!path.startsWith("/") && (open.group(3) == null || open.group(3).equals("AT_FDCWD"))) {
                    path = cwd.resolve(path).normalize().toString();
                } else if (!path.startsWith("/")) {
                    path = "(relative to fd " + open.group(3) + ") " + path;
                }
                if (path.startsWith(markerPrefix)) {
                    current = new ArrayList<>();
                    pieces.put(path.substring(markerPrefix.length()), current);
                } else if (current != null) {
                    current.add(path);
                }
            } else if (current != null && EXEC.matcher(line).find()) {
                execs.add(line);
            }
        }
        pieces.put("exec", execs);
        return pieces;
    }

    /** Files the JVM opens for itself while a command runs: classes, its own libraries, kernel views. */
    private static final class Allowed {
        private final Set<String> jars = new LinkedHashSet<>();
        private final List<String> trees = new ArrayList<>();

        Allowed(String classPath, Path corpus) {
            for (String entry : classPath.split(File.pathSeparator)) {
                Path p = Path.of(entry).toAbsolutePath().normalize();
                if (Files.isDirectory(p)) {
                    trees.add(p + "/");
                } else {
                    jars.add(p.toString());
                }
            }
            trees.add(Path.of(System.getProperty("java.home")).toAbsolutePath().normalize() + "/");
            trees.add("/proc/");
            trees.add("/sys/fs/cgroup/");
            trees.add("/sys/devices/system/cpu/");
        }

        boolean covers(String path) {
            if (jars.contains(path) || path.equals("/dev/urandom") || path.equals("/dev/random")) {
                return true;
            }
            for (String tree : trees) {
                if (path.startsWith(tree)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static void assumeStrace() throws InterruptedException {
        boolean available;
        try {
            Process p = new ProcessBuilder("strace", "-f", "-qq", "-e", "trace=openat", "-o", "/dev/null", "true")
                    .redirectErrorStream(true).start();
            available = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            available = false;
        }
        if (System.getenv("CI") != null) {
            assertTrue(available, "strace must work in CI (bin/install-build-deps installs it)");
        }
        assumeTrue(available, "strace is not installed or ptrace is not permitted");
    }
}
