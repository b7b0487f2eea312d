package org.glanceconvert.config;

/** How glance-convert proves who it is to Keystone: one {@code auth} block of a clouds.yaml entry. */
public sealed interface CloudAuth permits PasswordAuth, ApplicationCredentialAuth {

    /** Keystone's v3 URL, without a trailing slash (e.g. {@code https://keystone:5000/v3}). */
    String authUrl();

    /** The auth_type as clouds.yaml names it, for messages. */
    String type();
}
