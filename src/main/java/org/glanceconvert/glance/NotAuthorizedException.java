package org.glanceconvert.glance;

/** 401 that a fresh token did not cure, or Keystone refusing the credentials. Not retried. */
public final class NotAuthorizedException extends GlanceException {
    private static final long serialVersionUID = 1L;

    public NotAuthorizedException(String method, String path, String serviceMessage) {
        super(401, method, path, serviceMessage);
    }
}
