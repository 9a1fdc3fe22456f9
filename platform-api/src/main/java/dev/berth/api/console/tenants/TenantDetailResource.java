package dev.berth.api.console.tenants;

import dev.berth.api.console.ConsolePages;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.console.ConsoleNotFound;
import dev.berth.api.console.ConsoleTemplates;
import dev.berth.api.console.FormState;
import dev.berth.api.console.readable.ReadableDocument;
import dev.berth.api.console.session.ConsoleAccess;
import dev.berth.api.console.session.ConsoleSession;
import dev.berth.api.identity.OrganizationMember;
import dev.berth.api.jobs.JobService;
import dev.berth.api.json.StrictJson;
import dev.berth.api.policy.TenantPolicies;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.tenants.TenantListing;
import dev.berth.api.tenants.TenantMembers;
import dev.berth.policy.Decision;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.JobRequest;
import dev.berth.policy.Violation;
import dev.berth.policy.tenant.TenantPolicy;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One tenant: quota, policy (a form of fields, the JSON document as an advanced editor, and a
 * dry-run preview of a sample job under the edited policy) and members. Every
 * change goes through the service the admin API uses, so it is validated and audited the same way;
 * a refused form is shown again as typed, with the messages next to the fields, and stores nothing.
 */
@Path("/console/tenants/{tenant}")
@Produces(MediaType.TEXT_HTML)
public class TenantDetailResource {

    static final String SAMPLE_JOB = "{\"image\": \"busybox\", \"command\": [\"sh\", \"-c\", \"echo hello\"], \"resources\": {\"memoryMiB\": 256}}";

    @Inject
    ConsoleAccess access;
    @Inject
    ConsoleSession session;
    @Inject
    TenantListing listing;
    @Inject
    TenantPolicies policies;
    @Inject
    TenantMembers members;
    @Inject
    JobService jobs;
    @Inject
    StrictJson json;
    @Inject
    ObjectMapper mapper;
    @Inject
    JobAdmission admission;

    @GET
    public Response show(@PathParam("tenant") String tenant, @QueryParam("saved") String saved) {
        access.requireAdmin();
        requireKnown(tenant);
        return page(200, tenant, "quota".equals(saved) || "policy".equals(saved) || "members".equals(saved) ? saved : null,
                QuotaForm.of(policies.quotaOfKnown(tenant)), null, null, SAMPLE_JOB, null);
    }

    @POST
    @Path("/quota")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response saveQuota(@PathParam("tenant") String tenant, MultivaluedMap<String, String> form) {
        access.requireAdmin();
        requireKnown(tenant);
        FormState quota = QuotaForm.read(form);
        if (quota.ok()) {
            try {
                policies.storeQuota(tenant, QuotaForm.quota(quota), session.subject());
                return saved(tenant, "quota");
            } catch (ProblemException refused) {
                quota = refusal(quota.values(), refused);
            }
        }
        return page(422, tenant, null, quota, null, null, SAMPLE_JOB, null);
    }

    /** The policy form's fields; a refusal shows each violation next to the field it names. */
    @POST
    @Path("/policy/form")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response savePolicyForm(@PathParam("tenant") String tenant, MultivaluedMap<String, String> form) {
        access.requireAdmin();
        requireKnown(tenant);
        FormState fields = PolicyForm.read(form);
        if (fields.ok()) {
            try {
                policies.storePolicy(tenant, PolicyForm.policy(fields), session.subject());
                return saved(tenant, "policy");
            } catch (ProblemException refused) {
                fields = refused.problem().violations() == null ? FormState.failed(fields.values(), refused.getMessage())
                        : PolicyForm.refused(fields, refused.problem().violations());
            }
        }
        return page(422, tenant, null, QuotaForm.of(policies.quotaOfKnown(tenant)), fields, null, sampleOf(form), null);
    }

    @POST
    @Path("/policy")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response savePolicy(@PathParam("tenant") String tenant, @FormParam("policy") String text, @FormParam("sample") String sample) {
        access.requireAdmin();
        requireKnown(tenant);
        Map<String, String> values = Map.of("policy", text == null ? "" : text);
        try {
            policies.storePolicy(tenant, readPolicy(text), session.subject());
            return saved(tenant, "policy");
        } catch (ProblemException refused) {
            return page(422, tenant, null, QuotaForm.of(policies.quotaOfKnown(tenant)), null, refusal(values, refused),
                    sample == null ? SAMPLE_JOB : sample, null);
        }
    }

    /**
     * The sample job decided under the policy as edited (the JSON document when the request carries
     * one in {@code policy}, the form's fields otherwise), stored or not; runs and stores nothing.
     */
    @POST
    @Path("/policy/preview")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public TemplateInstance preview(@PathParam("tenant") String tenant, MultivaluedMap<String, String> form) {
        access.requireAdmin();
        requireKnown(tenant);
        try {
            TenantPolicy candidate = form.containsKey("policy") ? readPolicy(form.getFirst("policy")) : formPolicy(form);
            ExecutionPlan plan = jobs.dryRunUnder(tenant, readJob(form.getFirst("sample")), candidate);
            List<ConsoleTemplates.Rule> decisions = plan.decisions().stream()
                    .map((Decision d) -> new ConsoleTemplates.Rule(d.rule(), null, d.detail())).toList();
            return ConsoleTemplates.preview(true, decisions, ReadableDocument.of(mapper.valueToTree(plan)), null, List.of());
        } catch (ProblemException refused) {
            List<Violation> violations = refused.problem().violations() == null ? List.of() : refused.problem().violations();
            return ConsoleTemplates.preview(false, List.of(), null, refused.getMessage(),
                    violations.stream().map(v -> new ConsoleTemplates.Rule(v.rule(), v.field(), v.message())).toList());
        }
    }

    @POST
    @Path("/members")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response addMember(@PathParam("tenant") String tenant, @FormParam("username") String username) {
        return changeMembers(tenant, () -> members.add(tenant, username == null ? null : username.strip()));
    }

    @POST
    @Path("/members/remove")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response removeMember(@PathParam("tenant") String tenant, @FormParam("username") String username) {
        return changeMembers(tenant, () -> members.remove(tenant, username));
    }

    private Response changeMembers(String tenant, Runnable change) {
        access.requireAdmin();
        requireKnown(tenant);
        try {
            change.run();
            return saved(tenant, "members");
        } catch (ProblemException refused) {
            return page(refused.problem().status(), tenant, null, QuotaForm.of(policies.quotaOfKnown(tenant)), null, null,
                    SAMPLE_JOB, refused.getMessage());
        }
    }

    /** A null policy form or JSON document shows the stored policy; a JSON document given opens the advanced editor. */
    private Response page(int status, String tenant, String saved, FormState quota, FormState policyFields, FormState policyJson, String sample,
            String memberError) {
        TenantPolicy stored = policyJson == null || policyFields == null ? policies.policyOfKnown(tenant) : null;
        FormState fields = policyFields == null ? PolicyForm.of(stored) : policyFields;
        FormState json = policyJson == null ? FormState.of(Map.of("policy", pretty(stored))) : policyJson;
        return ConsolePages.html(status, ConsoleTemplates.tenant(tenant, saved, quota, QuotaForm.FIELDS, PolicyForm.view(fields, admission.ceilings()),
                json, policyJson != null, sample, members(tenant, memberError)));
    }

    private TenantPolicy formPolicy(MultivaluedMap<String, String> form) {
        FormState fields = PolicyForm.read(form);
        if (!fields.ok()) {
            throw ProblemException.malformed("the policy form: " + String.join("; ", fields.errors().values().stream().flatMap(List::stream).toList()));
        }
        return PolicyForm.policy(fields);
    }

    private static String sampleOf(MultivaluedMap<String, String> form) {
        return form.getFirst("sample") == null ? SAMPLE_JOB : form.getFirst("sample");
    }

    private Members members(String tenant, String error) {
        try {
            List<OrganizationMember> list = members.list(tenant);
            return new Members(list, null, error);
        } catch (ProblemException unavailable) {
            return new Members(List.of(), unavailable.getMessage(), error);
        }
    }

    /** A refusal's violations go next to the fields they name; the service that refused has audited it already. */
    private FormState refusal(Map<String, String> values, ProblemException refused) {
        List<Violation> violations = refused.problem().violations();
        if (violations == null) {
            return values.containsKey("policy") ? FormState.of(values).withError("policy", refused.getMessage())
                    : FormState.failed(values, refused.getMessage());
        }
        return values.containsKey("policy")
                ? FormState.refused(values, violations.stream().map(v -> new Violation(v.rule(), "policy",
                        (v.field().isEmpty() ? "" : v.field() + ": ") + v.message())).toList(), field -> field)
                : FormState.refused(values, violations, field -> field);
    }

    /** An emptied policy field stands for the defaults, as a tenant without a stored policy has them. */
    private TenantPolicy readPolicy(String text) {
        return text == null || text.isBlank() ? TenantPolicy.defaults() : read("the policy", text, TenantPolicy.class);
    }

    private JobRequest readJob(String text) {
        if (text == null || text.isBlank()) {
            throw ProblemException.malformed("enter a sample job as JSON, e.g. " + SAMPLE_JOB);
        }
        return read("the sample job", text, JobRequest.class);
    }

    /** The API's strict reading; the form shows policy and sample job together, so the message names which one. */
    private <T> T read(String what, String text, Class<T> type) {
        try {
            return json.read(text, type);
        } catch (ProblemException malformed) {
            throw ProblemException.malformed(what + ": " + malformed.getMessage());
        }
    }

    private String pretty(Object document) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot show " + document.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private void requireKnown(String tenant) {
        if (listing.one(tenant).isEmpty()) {
            throw new ConsoleNotFound("Tenant " + tenant);
        }
    }

    private static Response saved(String tenant, String what) {
        return Response.seeOther(URI.create("/console/tenants/" + tenant + "?saved=" + what)).build();
    }
}
