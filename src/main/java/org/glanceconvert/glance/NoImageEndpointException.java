package org.glanceconvert.glance;

import java.io.IOException;

/**
 * The Keystone catalog has no image endpoint for the configured region and interface. The
 * daemon refuses to start: openstack4j would otherwise send image calls to Keystone and read
 * its 404s as empty results.
 */
public final class NoImageEndpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public NoImageEndpointException(String message) {
        super(message);
    }
}
