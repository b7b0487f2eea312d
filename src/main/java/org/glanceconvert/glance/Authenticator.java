package org.glanceconvert.glance;

import java.io.IOException;

/** Obtains a project-scoped Keystone v3 token with a cloud's credentials. */
interface Authenticator {
    KeystoneToken authenticate() throws IOException;
}
