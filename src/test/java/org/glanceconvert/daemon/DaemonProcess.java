package org.glanceconvert.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The daemon as operators run it: {@code java -cp <test classpath> org.glanceconvert.cli.Main
 * run --config FILE}, a separate JVM whose output goes to a file, so a test can SIGKILL it at
 * a moment of its choosing and start it again, or run several as replicas.
 */
final class DaemonProcess implements AutoCloseable {
    final Process process;
    final Path output;

    private DaemonProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts the daemon and waits until it logs that it runs. */
    static DaemonProcess start(DaemonIt it, Path config, Path output, String replica) throws Exception {
        DaemonProcess d = new DaemonProcess(launch(it, config, output, replica), output);
        d.awaitLog("running", 60);
        return d;
    }

    /**
     * Starts {@code java [jvmOptions] -cp <test classpath> org.glanceconvert.cli.Main run --config
     * FILE} with the test cloud's clouds.yaml and the given replica name, output to a file; does not wait.
     */
    static Process launch(DaemonIt it, Path config, Path output, String replica, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.glanceconvert.cli.Main", "run",
                "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("OS_CLIENT_CONFIG_FILE", it.env.cloudsYaml().toString());
        pb.environment().put("GLANCE_CONVERT_REPLICA", replica);
        pb.environment().remove("GLANCE_CONVERT_LOG_LEVEL");
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        return pb.start();
    }

    void awaitLog(String text, int seconds) throws Exception {
        awaitLog(output, text, process, seconds);
    }

    /** Waits until {@code output} contains {@code text}; fails with the output when the daemon exits or the time is up. */
    static void awaitLog(Path output, String text, Process p, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (DaemonIt.read(output).contains(text)) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("the daemon exited " + p.exitValue() + ":\n" + DaemonIt.read(output));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the daemon never logged '" + text + "':\n" + DaemonIt.read(output));
    }

    /** Runs {@code check}; a failure carries the end of the daemons' output. */
    static <T> T withOutput(Callable<T> check, Path... outputs) throws Exception {
        try {
            return check.call();
        } catch (AssertionError e) {
            StringBuilder s = new StringBuilder(e.getMessage());
            for (Path p : outputs) {
                String text = DaemonIt.read(p);
                s.append("\n--- ").append(p).append(" ---\n").append(text.substring(Math.max(0, text.length() - 20_000)));
            }
            throw new AssertionError(s.toString(), e);
        }
    }

    /** SIGKILL: no shutdown hook, no cleanup of any kind. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the daemon survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM; returns the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the daemon did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    String tail(int chars) throws IOException {
        String text = DaemonIt.read(output);
        return text.substring(Math.max(0, text.length() - chars));
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
