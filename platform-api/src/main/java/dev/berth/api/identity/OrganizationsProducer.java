package dev.berth.api.identity;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.keycloak.admin.client.Keycloak;

/** Keycloak Organizations when the admin client is configured, none on the embedded issuer. */
@ApplicationScoped
public class OrganizationsProducer {

    @Produces
    @ApplicationScoped
    Organizations organizations(@ConfigProperty(name = "quarkus.keycloak.admin-client.server-url") Optional<String> serverUrl,
            @ConfigProperty(name = "quarkus.keycloak.admin-client.realm") String realm, Instance<Keycloak> keycloak) {
        return serverUrl.isPresent() ? new KeycloakOrganizations(keycloak.get(), realm) : new NoOrganizations();
    }
}
