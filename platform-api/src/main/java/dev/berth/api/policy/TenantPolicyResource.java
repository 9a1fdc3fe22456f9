package dev.berth.api.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.berth.api.json.StrictDocuments;
import dev.berth.policy.tenant.TenantPolicy;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Platform admins read and replace a tenant's policy. */
@Path("/api/v1/admin/tenants/{tenant}/policy")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
public class TenantPolicyResource {

    @Inject
    TenantPolicies policies;
    @Inject
    JsonWebToken token;
    @Inject
    StrictDocuments documents;

    @GET
    public TenantPolicy get(@PathParam("tenant") String tenant) {
        return policies.policyOfKnown(tenant);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public TenantPolicy put(@PathParam("tenant") String tenant, String body) throws JsonProcessingException {
        return policies.storePolicy(tenant, documents.read(body, TenantPolicy.class), token.getSubject());
    }
}
