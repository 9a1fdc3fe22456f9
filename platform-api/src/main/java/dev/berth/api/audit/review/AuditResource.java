package dev.berth.api.audit.review;

import dev.berth.api.audit.chain.AuditKeys;
import dev.berth.api.audit.chain.ChainHash;
import dev.berth.api.audit.chain.ExportFormat;
import dev.berth.api.audit.chain.Timestamps;
import dev.berth.api.audit.chain.VerifyResult;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Auditors and platform admins review, verify and export the audit log. */
@Path("/api/v1/audit")
@RolesAllowed({"auditor", "platform-admin"})
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @Inject
    AuditSearch search;
    @Inject
    AuditVerification verification;
    @Inject
    AuditExport export;
    @Inject
    AuditKeys keys;

    @GET
    public AuditSearch.Page list(@QueryParam("tenant") String tenant, @QueryParam("actor") String actor,
            @QueryParam("action") String action, @QueryParam("outcome") String outcome,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        int size = limit == null ? AuditQuery.DEFAULT_LIMIT : limit;
        if (size < 1 || size > AuditQuery.MAX_LIMIT) {
            throw badParameter("limit", "must be between 1 and " + AuditQuery.MAX_LIMIT);
        }
        return search.find(new AuditQuery(tenant, actor, action, outcome, instant("from", from), instant("to", to),
                cursor == null ? null : Cursor.decode(cursor), size));
    }

    @GET
    @Path("/verify")
    public VerifyView verify() {
        return VerifyView.of(verification.verify());
    }

    @GET
    @Path("/export")
    @Produces(ExportFormat.MEDIA_TYPE)
    public Response export() {
        StreamingOutput body = export::write;
        return Response.ok(body, ExportFormat.MEDIA_TYPE)
                .header("Content-Disposition", "attachment; filename=\"berth-audit-" + Instant.now().getEpochSecond() + ".ndjson\"")
                .build();
    }

    /** The checkpoint verification key, X.509 SubjectPublicKeyInfo in PEM; the key ID travels in a header. */
    @GET
    @Path("/public-key")
    @Produces("application/x-pem-file")
    public Response publicKey() {
        return Response.ok(keys.publicKeyPem(), "application/x-pem-file").header("Berth-Audit-Key-Id", keys.keyId()).build();
    }

    public record VerifyView(boolean valid, long eventsChecked, Long firstBadSeq, String problem,
            CheckpointView lastCheckpoint, long unsignedEvents) {

        static VerifyView of(VerifyResult result) {
            var checkpoint = result.lastCheckpoint();
            return new VerifyView(result.valid(), result.eventsChecked(), result.firstBadSeq(), result.problem(),
                    checkpoint == null ? null : new CheckpointView(checkpoint.seq(), ChainHash.hex(checkpoint.hash()),
                            Timestamps.format(checkpoint.time()), checkpoint.keyId()),
                    result.unsignedEvents());
        }
    }

    public record CheckpointView(long seq, String hash, String time, String keyId) {
    }

    private static Instant instant(String name, String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw badParameter(name, "must be an ISO-8601 instant such as 2026-11-22T16:00:00Z");
        }
    }

    private static ProblemException badParameter(String name, String rule) {
        return new ProblemException(ProblemType.INVALID_PARAMETER, "query parameter " + name + " " + rule);
    }
}
