package dev.berth.api.images.registry;

import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's token endpoint ({@code auth.token.realm}), as the Docker token flow calls it:
 * {@code GET ?service=S&scope=repository:acme/app:pull,push}, credentials as HTTP Basic.
 * Open to anyone at the HTTP layer: the service verifies the password token itself.
 */
@Path("/api/v1/registry/token")
@PermitAll
public class RegistryTokenResource {

    @Inject
    RegistryTokenService service;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> token(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("service") String registry, @QueryParam("scope") List<String> scopes, @Context RoutingContext http) {
        List<String> asked = scopes.stream().flatMap(scope -> Arrays.stream(scope.split(" "))).filter(scope -> !scope.isBlank()).toList();
        RegistryTokenService.Answer answer = service.issue(Optional.ofNullable(authorization), registry, asked, http);
        return Map.of("token", answer.issued().token(), "access_token", answer.issued().token(),
                "expires_in", answer.issued().expiresInSeconds(), "issued_at", answer.issued().issuedAt().toString());
    }
}
