package org.glanceconvert.metrics;

/** One thing /readyz asks: a cloud's Keystone and Glance, the work directory's free space. */
@FunctionalInterface
public interface ReadinessCheck {

    /** The outcome of one check. */
    record Status(String name, boolean ok, String detail) {
    }

    Status check();
}
