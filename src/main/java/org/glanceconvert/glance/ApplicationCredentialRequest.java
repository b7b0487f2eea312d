package org.glanceconvert.glance;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRootName;
import java.util.List;
import java.util.Map;
import org.glanceconvert.config.ApplicationCredentialAuth;
import org.openstack4j.model.identity.v3.Authentication;
import org.openstack4j.openstack.common.Auth;
import org.openstack4j.openstack.identity.v3.domain.KeystoneAuth;

/**
 * openstack4j 3.12 has no application-credential login. This is its {@link KeystoneAuth} with
 * the identity method {@code application_credential}: openstack4j serialises it as
 * {@code {"auth": {"identity": {"methods": ["application_credential"], "application_credential":
 * {...}}}}} (no scope: the credential is bound to its project) and, being of type CREDENTIALS,
 * keeps it for re-authentication.
 */
@JsonRootName("auth")
@JsonInclude(JsonInclude.Include.NON_NULL)
final class ApplicationCredentialRequest extends KeystoneAuth {
    private static final long serialVersionUID = 1L;

    private final transient AppCredIdentity identity;

    ApplicationCredentialRequest(ApplicationCredentialAuth auth) {
        super(Auth.Type.CREDENTIALS);
        this.identity = new AppCredIdentity(auth);
    }

    @Override
    @JsonProperty("identity")
    public Authentication.Identity getIdentity() {
        return identity;
    }

    @Override
    @JsonIgnore
    public Authentication.Scope getScope() {
        return null;
    }

    @Override
    @JsonIgnore
    public String getUsername() {
        return identity.credential.id != null ? identity.credential.id : identity.credential.name;
    }

    @Override
    @JsonIgnore
    public String getPassword() {
        return null;
    }

    @Override
    @JsonIgnore
    public String getId() {
        return null;
    }

    @Override
    @JsonIgnore
    public String getName() {
        return null;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    static final class AppCredIdentity implements Authentication.Identity {
        private final Credential credential;

        AppCredIdentity(ApplicationCredentialAuth a) {
            this.credential = new Credential(a);
        }

        @JsonProperty("methods")
        @Override
        public List<String> getMethods() {
            return List.of("application_credential");
        }

        @JsonProperty("application_credential")
        public Credential getApplicationCredential() {
            return credential;
        }

        @JsonIgnore
        @Override
        public Password getPassword() {
            return null;
        }

        @JsonIgnore
        @Override
        public Token getToken() {
            return null;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    static final class Credential {
        @JsonProperty
        final String id;
        @JsonProperty
        final String name;
        @JsonProperty
        final String secret;
        @JsonProperty
        final Map<String, Object> user;

        Credential(ApplicationCredentialAuth a) {
            this.id = a.id();
            this.name = a.id() == null ? a.name() : null;
            this.secret = a.secret().reveal();
            if (a.id() != null) {
                this.user = null;
            } else if (a.userId() != null) {
                this.user = Map.of("id", a.userId());
            } else {
                this.user = Map.of("name", a.username(), "domain",
                        a.userDomainId() != null ? Map.of("id", a.userDomainId()) : Map.of("name", a.userDomainName()));
            }
        }

        @Override
        public String toString() {
            return "Credential[" + (id != null ? id : name) + "]";
        }
    }
}
