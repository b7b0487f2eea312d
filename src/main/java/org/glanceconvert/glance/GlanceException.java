package org.glanceconvert.glance;

import java.io.IOException;

/**
 * Glance (or Keystone) answered an HTTP error. Carries the status and the service's own message
 * (Glance's {@code message}, Keystone's {@code error.message}), never a token or a request body.
 */
public class GlanceException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String method;
    private final String path;
    private final String serviceMessage;

    public GlanceException(int status, String method, String path, String serviceMessage) {
        super(method + " " + path + " -> HTTP " + status + (serviceMessage.isEmpty() ? "" : ": " + serviceMessage));
        this.status = status;
        this.method = method;
        this.path = path;
        this.serviceMessage = serviceMessage;
    }

    public int status() {
        return status;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The service's explanation, cleaned of HTML; empty when it gave none. */
    public String serviceMessage() {
        return serviceMessage;
    }

    /** 5xx (except 501) and 429: the same request may well succeed later. */
    public boolean isTransient() {
        return (status >= 500 && status != 501) || status == 429;
    }
}
