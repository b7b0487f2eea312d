package org.glanceconvert.glance;

import java.io.IOException;

/** Authentication against Keystone failed (bad credentials, unreachable, unexpected answer). */
public final class KeystoneException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public KeystoneException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** Keystone's HTTP status, or 0 when it was not reached. */
    public int status() {
        return status;
    }

    /** Unreachable or 5xx: worth another try; 4xx (bad credentials) is not. */
    public boolean isTransient() {
        return status == 0 || status >= 500 || status == 429;
    }
}
