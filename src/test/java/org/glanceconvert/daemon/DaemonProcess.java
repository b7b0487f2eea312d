package org.glanceconvert.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The daemon as operators run it: {@code java -cp <test classpath> org.glanceconvert.cli.Main
 * run --config FILE}, a separate JVM whose output goes to a file, so a test can SIGKILL it at
 * a moment of its choosing and start it again.
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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "org.glanceconvert.cli.Main", "run", "--config", config.toString());
        pb.environment().put("OS_CLIENT_CONFIG_FILE", it.env.cloudsYaml().toString());
        pb.environment().put("GLANCE_CONVERT_REPLICA", replica);
        pb.environment().remove("GLANCE_CONVERT_LOG_LEVEL");
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        DaemonProcess d = new DaemonProcess(pb.start(), output);
        d.awaitLog("running", 60);
        return d;
    }

    void awaitLog(String text, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (DaemonIt.read(output).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the daemon exited " + process.exitValue() + ":\n" + DaemonIt.read(output));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the daemon never logged '" + text + "':\n" + DaemonIt.read(output));
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
