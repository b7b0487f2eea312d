package org.glanceconvert.metrics;

/** One thing /readyz asks: a cloud's Keystone and Glance, the work directory's free space. */
@FunctionalInterface
public interface ReadinessCheck {

    /**
     * The outcome of one check. {@code degraded}: the daemon still does its job another way (a
     * broker outage: it polls), so it stays ready, and the check is shown as a warning.
     */
    record Status(String name, boolean ok, String detail, boolean degraded) {
        public Status(String name, boolean ok, String detail) {
            this(name, ok, detail, false);
        }

        /** Ready, with a warning. */
        public static Status degraded(String name, String detail) {
            return new Status(name, true, detail, true);
        }

        String line() {
            return (!ok ? "FAIL " : degraded ? "warn " : "ok   ") + name + ": " + detail + "\n";
        }
    }

    Status check();
}
