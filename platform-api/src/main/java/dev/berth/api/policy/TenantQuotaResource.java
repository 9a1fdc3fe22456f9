package dev.berth.api.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.berth.api.json.StrictDocuments;
import dev.berth.policy.tenant.TenantQuota;
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

/** Platform admins read and replace a tenant's quota. */
@Path("/api/v1/admin/tenants/{tenant}/quota")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
public class TenantQuotaResource {

    @Inject
    TenantPolicies policies;
    @Inject
    JsonWebToken token;
    @Inject
    StrictDocuments documents;

    @GET
    public TenantQuota get(@PathParam("tenant") String tenant) {
        return policies.quotaOfKnown(tenant);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public TenantQuota put(@PathParam("tenant") String tenant, String body) throws JsonProcessingException {
        return policies.storeQuota(tenant, documents.read(body, TenantQuota.class), token.getSubject());
    }
}
