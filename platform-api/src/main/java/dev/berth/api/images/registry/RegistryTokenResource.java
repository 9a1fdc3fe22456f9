package dev.berth.api.images.registry;

import dev.berth.api.problems.Problem;
import dev.berth.api.problems.ProblemType;
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
import jakarta.ws.rs.core.Response;
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
    public Response token(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("service") String registry, @QueryParam("scope") List<String> scopes, @Context RoutingContext http) {
        List<String> asked = scopes.stream().flatMap(scope -> Arrays.stream(scope.split(" "))).filter(scope -> !scope.isBlank()).toList();
        RegistryTokenService.Answer answer = service.issue(Optional.ofNullable(authorization), registry, asked, http);
        if (answer.overQuota().isPresent()) {
            // skopeo and podman print a Docker-style error's message (for a 401 only); the problem fields are for everyone else.
            Problem problem = Problem.of(ProblemType.REGISTRY_QUOTA_EXCEEDED, answer.overQuota().get());
            return Response.status(problem.status()).type(MediaType.APPLICATION_JSON).entity(Map.of("type", problem.type(),
                    "title", problem.title(), "status", problem.status(), "detail", problem.detail(),
                    "errors", List.of(Map.of("code", "DENIED", "message", problem.detail())))).build();
        }
        return Response.ok(Map.of("token", answer.issued().token(), "access_token", answer.issued().token(),
                "expires_in", answer.issued().expiresInSeconds(), "issued_at", answer.issued().issuedAt().toString())).build();
    }
}
