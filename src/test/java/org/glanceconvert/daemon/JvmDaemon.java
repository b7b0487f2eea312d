package org.glanceconvert.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code glance-convert run} as a separate JVM, the way operators run it (replicas, SIGKILL). */
final class JvmDaemon {
    private JvmDaemon() {
    }

    static Process launch(DaemonIt it, Path config, Path output, String replica) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "org.glanceconvert.cli.Main", "run", "--config", config.toString());
        pb.environment().put("OS_CLIENT_CONFIG_FILE", it.env.cloudsYaml().toString());
        pb.environment().put("GLANCE_CONVERT_REPLICA", replica);
        pb.environment().remove("GLANCE_CONVERT_LOG_LEVEL");
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        return pb.start();
    }

    static void awaitLog(Path output, String text, Process p) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
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
}
