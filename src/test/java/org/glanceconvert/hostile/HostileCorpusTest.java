package org.glanceconvert.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.glanceconvert.cli.CliRunner;
import org.glanceconvert.image.Check;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of the hostile corpus through the real command line: {@code inspect}, {@code check},
 * {@code convert}, {@code map} and {@code compare}, each with the exit status and the exact check
 * ids that {@code src/test/resources/hostile/cases.tsv} gives for it. Beyond the table, on every
 * file: never exit 2, never an internal error or a stack trace, and a refused conversion leaves
 * no file behind; a file every command accepts converts to an image {@code compare} finds
 * identical.
 */
class HostileCorpusTest {
    /** Check ids as the commands print them: {@code [qcow2.backing_file]}. */
    private static final Pattern BRACKETED_ID = Pattern.compile("\\[([a-z0-9_]+\\.[a-z0-9_]+)]");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] COMMANDS = {"inspect", "check", "convert", "map", "compare"};

    @TempDir
    static Path work;
    static Path corpus;
    static Map<String, Row> table;

    /** One line of cases.tsv: the expected cell per command, and why. */
    record Row(String name, Map<String, String> cells, String why) {
    }

    @BeforeAll
    static void generate() throws IOException {
        corpus = HostileCorpus.writeTo(work.resolve("corpus"));
        table = readTable();
    }

    static Map<String, Row> readTable() throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (InputStream in = HostileCorpusTest.class.getResourceAsStream("/hostile/cases.tsv")) {
            assertTrue(in != null, "hostile/cases.tsv is on the test class path");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                assertEquals(7, f.length, "7 tab-separated columns: " + line);
                Map<String, String> cells = new LinkedHashMap<>();
                for (int i = 0; i < COMMANDS.length; i++) {
                    cells.put(COMMANDS[i], f[i + 1]);
                }
                assertTrue(rows.put(f[0], new Row(f[0], cells, f[6])) == null, "row twice: " + f[0]);
            }
        }
        return rows;
    }

    @Test
    void tableAndCorpusNameTheSameFiles() {
        assertEquals(HostileCorpus.all().keySet(), table.keySet(),
                "cases.tsv must have one row per generated file, in the generator's order");
        assertEquals(new ArrayList<>(HostileCorpus.all().keySet()), new ArrayList<>(table.keySet()));
    }

    @Test
    void everyIdInTheTableIsARegisteredCheck() {
        Set<String> registered = new LinkedHashSet<>();
        for (Check c : Check.values()) {
            registered.add(c.id());
        }
        for (Row row : table.values()) {
            for (String cell : row.cells().values()) {
                if (!cell.equals("ok")) {
                    for (String id : cell.split(",")) {
                        assertTrue(registered.contains(id), row.name() + ": " + id + " is not in the Check registry");
                    }
                }
            }
        }
    }

    @Test
    void everyHostileCaseIsRefusedByAtLeastCheckAndConvert() {
        for (var sample : HostileCorpus.hostile()) {
            Row row = table.get(sample.name());
            assertFalse(row.cells().get("check").equals("ok"), sample.name() + " passes check");
            if (!sample.name().equals("qcow2-l2-entries-sharing-a-cluster.qcow2")) {
                assertFalse(row.cells().get("convert").equals("ok"), sample.name() + " converts");
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFileThroughEveryCommand() {
        return HostileCorpus.all().keySet().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Row row = table.get(name);
            assertTrue(row != null, name + " has no row in cases.tsv; it gives: " + String.join("\t", actual(name)));
            List<String> got = actual(name);
            List<String> want = new ArrayList<>(row.cells().values());
            assertEquals(want, got, name + " (" + row.why() + ")\n  want " + String.join("\t", want)
                    + "\n  got  " + String.join("\t", got));
        }));
    }

    /** Runs the five commands on {@code name}; one cell per command, as the table writes them. */
    static List<String> actual(String name) throws IOException {
        Path file = corpus.resolve(name);
        List<String> cells = new ArrayList<>();
        for (String command : COMMANDS) {
            cells.add(run(command, file));
        }
        return cells;
    }

    private static String run(String command, Path file) throws IOException {
        Path out = work.resolve("out-" + command);
        Files.createDirectories(out);
        Path converted = out.resolve(file.getFileName() + ".qcow2");
        CliRunner.Outcome o = switch (command) {
            case "inspect" -> CliRunner.run("inspect", "--json", file.toString());
            case "check" -> CliRunner.run("check", "--json", file.toString());
            case "convert" -> CliRunner.run("convert", "-O", "qcow2", file.toString(), converted.toString());
            case "map" -> CliRunner.run("map", "--json", file.toString());
            case "compare" -> CliRunner.run("compare", file.toString(), file.toString());
            default -> throw new IllegalArgumentException(command);
        };
        String where = command + " " + file.getFileName() + ": exit " + o.exitCode() + "\n" + o.err();
        assertFalse(o.err().contains("internal error") || o.err().contains("\tat "), where);
        if (o.exitCode() == 0) {
            if (command.equals("convert")) {
                CliRunner.Outcome same = CliRunner.run("compare", file.toString(), converted.toString());
                assertEquals(0, same.exitCode(), "the converted copy reads the same: " + same.out() + same.err());
                Files.delete(converted);
            }
            return "ok";
        }
        assertEquals(1, o.exitCode(), where);
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of(), left.toList(), "a refused conversion leaves nothing behind");
        }
        return switch (command) {
            case "inspect" -> ids(JSON.readTree(o.out()).get("problems"), where);
            case "check" -> ids(JSON.readTree(o.out()).get("problems"), where);
            default -> bracketedIds(o.err(), where);
        };
    }

    private static String ids(JsonNode problems, String where) {
        Set<String> ids = new LinkedHashSet<>();
        problems.forEach(p -> ids.add(p.get("check").asText()));
        if (ids.isEmpty()) {
            fail("exit 1 without a problem: " + where);
        }
        return String.join(",", ids);
    }

    private static String bracketedIds(String stderr, String where) {
        Set<String> ids = new LinkedHashSet<>();
        Matcher m = BRACKETED_ID.matcher(stderr);
        while (m.find()) {
            ids.add(m.group(1));
        }
        if (ids.isEmpty()) {
            fail("exit 1 without a check id: " + where);
        }
        return String.join(",", ids);
    }
}
