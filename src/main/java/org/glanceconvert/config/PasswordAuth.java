package org.glanceconvert.config;

/**
 * clouds.yaml {@code auth_type: password} (or {@code v3password}): a user and a password, scoped
 * to one project. Each of user, project and their domains is given by name or by id.
 */
public record PasswordAuth(
        String authUrl,
        String username,
        String userId,
        Secret password,
        String projectName,
        String projectId,
        String userDomainName,
        String userDomainId,
        String projectDomainName,
        String projectDomainId) implements CloudAuth {

    @Override
    public String type() {
        return "password";
    }

    @Override
    public String toString() {
        return "PasswordAuth[" + authUrl + ", user " + (userId != null ? userId : username)
                + ", project " + (projectId != null ? projectId : projectName) + "]";
    }
}
