package org.glanceconvert.config;

/**
 * clouds.yaml {@code auth_type: v3applicationcredential}: an application credential, by id, or by
 * name together with its user (name + domain, or id). Its project is fixed in Keystone.
 */
public record ApplicationCredentialAuth(
        String authUrl,
        String id,
        String name,
        Secret secret,
        String username,
        String userId,
        String userDomainName,
        String userDomainId) implements CloudAuth {

    @Override
    public String type() {
        return "v3applicationcredential";
    }

    @Override
    public String toString() {
        return "ApplicationCredentialAuth[" + authUrl + ", " + (id != null ? "id " + id : "name " + name) + "]";
    }
}
