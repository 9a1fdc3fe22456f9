package dev.berth.api.console.audit;

import dev.berth.api.console.ConsolePages;
import dev.berth.api.audit.chain.VerifyResult;
import dev.berth.api.audit.chain.ExportFormat;
import dev.berth.api.audit.review.AuditExport;
import dev.berth.api.audit.review.AuditQuery;
import dev.berth.api.audit.review.AuditSearch;
import dev.berth.api.audit.review.AuditVerification;
import dev.berth.api.audit.review.Cursor;
import dev.berth.api.console.ConsoleTemplates;
import dev.berth.api.console.session.ConsoleAccess;
import dev.berth.api.problems.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Instant;
import java.util.List;

/** Read-only review of the audit log for auditors and platform admins: search, chain verification, export. */
@Path("/console/audit")
@Produces(MediaType.TEXT_HTML)
public class AuditPagesResource {

    /** The actions the platform writes (README, Audit log), offered as suggestions in the action filter. */
    static final List<String> ACTIONS = List.of("job.submit", "job.start", "job.end", "job.attempt.end", "job.cancel",
            "tenant.register", "tenant.provision", "tenant.member.add", "tenant.member.remove", "tenant.policy.update",
            "tenant.quota.update", "policy.deny", "authn.missing", "authn.fail", "authz.deny");
    static final List<String> OUTCOMES = List.of("success", "failure", "denied");

    @Inject
    ConsoleAccess access;
    @Inject
    AuditSearch search;
    @Inject
    AuditVerification verification;
    @Inject
    AuditExport export;

    @GET
    public Response events(@QueryParam("tenant") String tenant, @QueryParam("actor") String actor, @QueryParam("action") String action,
            @QueryParam("outcome") String outcome, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("cursor") String cursor) {
        access.requireReviewer();
        AuditFilters filters;
        try {
            filters = AuditFilters.read(tenant, actor, action, outcome, from, to);
        } catch (IllegalArgumentException invalid) {
            return ConsolePages.html(400, ConsoleTemplates.audit(AuditFilters.read(tenant, actor, action, outcome, null, null), ACTIONS, OUTCOMES,
                    List.of(), null, invalid.getMessage()).render());
        }
        try {
            AuditSearch.Page page = search.find(filters.query(cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor),
                    AuditQuery.DEFAULT_LIMIT));
            String next = page.next() == null ? null : "/console/audit?" + filters.queryString()
                    + (filters.queryString().isEmpty() ? "" : "&") + "cursor=" + page.next();
            return ConsolePages.html(200, ConsoleTemplates.audit(filters, ACTIONS, OUTCOMES, page.items().stream().map(EventRow::of).toList(), next, null)
                    .render());
        } catch (ProblemException invalid) {
            return ConsolePages.html(400, ConsoleTemplates.audit(filters, ACTIONS, OUTCOMES, List.of(), null, invalid.getMessage()).render());
        }
    }

    /** Loaded by the page after it shows, since checking a long chain takes seconds. */
    @GET
    @Path("/verify")
    public Response verify() {
        access.requireReviewer();
        VerifyResult result = verification.verify();
        return ConsolePages.html(200, ConsoleTemplates.verification(result.valid(), result.eventsChecked(),
                result.lastCheckpoint() == null ? null : result.lastCheckpoint().seq(), result.unsignedEvents(),
                result.firstBadSeq(), result.problem()).render());
    }

    /** The same NDJSON export as {@code GET /api/v1/audit/export}, as a download. */
    @GET
    @Path("/export")
    @Produces(ExportFormat.MEDIA_TYPE)
    public Response download() {
        access.requireReviewer();
        StreamingOutput body = export::write;
        return Response.ok(body, ExportFormat.MEDIA_TYPE)
                .header("Content-Disposition", "attachment; filename=\"berth-audit-" + Instant.now().getEpochSecond() + ".ndjson\"")
                .build();
    }
}
