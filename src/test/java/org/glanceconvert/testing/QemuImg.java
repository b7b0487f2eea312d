package org.glanceconvert.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * qemu-img, the test oracle: makes images the way real clouds get them and judges our output.
 * Never used by production code.
 */
public final class QemuImg {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Boolean available;

    private QemuImg() {
    }

    /** The result of one qemu-img run. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result orThrow() {
            if (exitCode != 0) {
                throw new AssertionError("qemu-img failed (" + exitCode + "): " + stderr + stdout);
            }
            return this;
        }
    }

    /** Skips the calling test when qemu-img is missing; CI installs it, so CI never skips. */
    public static void assumeAvailable() {
        if (available == null) {
            try {
                available = run("--version").exitCode() == 0;
            } catch (IOException e) {
                available = false;
            }
        }
        if (!available && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("qemu-img is required in CI (apt-get install qemu-utils)");
        }
        assumeTrue(available, "qemu-img not installed (apt-get install qemu-utils)");
    }

    /** Runs {@code qemu-img args...} and returns its exit code and output. */
    public static Result run(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("qemu-img");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("qemu-img timed out: " + cmd);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** {@code qemu-img create -f FMT [-o OPTS] FILE SIZE}. */
    public static Path create(Path file, String format, String options, long size) throws IOException {
        List<String> args = new ArrayList<>(List.of("create", "-q", "-f", format));
        if (options != null && !options.isEmpty()) {
            args.add("-o");
            args.add(options);
        }
        args.add(file.toString());
        args.add(Long.toString(size));
        run(args.toArray(String[]::new)).orThrow();
        return file;
    }

    /** {@code qemu-img convert -f SRCFMT -O FMT [-o OPTS] [extra] SRC DST}. */
    public static Path convert(Path src, String srcFormat, Path dst, String format, String options,
                               String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("convert", "-f", srcFormat, "-O", format));
        if (options != null && !options.isEmpty()) {
            args.add("-o");
            args.add(options);
        }
        args.addAll(List.of(extra));
        args.add(src.toString());
        args.add(dst.toString());
        run(args.toArray(String[]::new)).orThrow();
        return dst;
    }

    /** {@code qemu-img info --output=json FILE} (format probed, as a user would run it). */
    public static JsonNode info(Path file) throws IOException {
        return JSON.readTree(run("info", "--output=json", file.toString()).orThrow().stdout());
    }

    /** {@code qemu-img info --output=json -f FMT FILE}: for images qemu would probe as another format. */
    public static JsonNode info(Path file, String format) throws IOException {
        return JSON.readTree(run("info", "--output=json", "-f", format, file.toString()).orThrow().stdout());
    }

    /** {@code qemu-img map --output=json -f FMT FILE}. */
    public static JsonNode map(Path file, String format) throws IOException {
        return JSON.readTree(run("map", "--output=json", "-f", format, file.toString()).orThrow().stdout());
    }

    /** {@code qemu-img compare -f A -F B a b}: exit 0 identical, 1 different. */
    public static Result compare(Path a, String aFormat, Path b, String bFormat) throws IOException {
        return run("compare", "-f", aFormat, "-F", bFormat, a.toString(), b.toString());
    }

    /** {@code qemu-img check --output=json -f FMT FILE}. */
    public static Result check(Path file, String format) throws IOException {
        return run("check", "-f", format, file.toString());
    }

    /** {@code qemu-io -c 'write -P PATTERN OFFSET LEN' FILE}: puts a known pattern into an image. */
    public static void write(Path file, String format, int pattern, long offset, long length) throws IOException {
        io(file, format, "write -q -P " + pattern + " " + offset + " " + length);
    }

    /** {@code qemu-io -f FMT -c CMD... FILE}: changes an image the way a guest would. */
    public static void io(Path file, String format, String... commands) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", format));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0 || out.contains("error")) {
                throw new AssertionError("qemu-io failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
