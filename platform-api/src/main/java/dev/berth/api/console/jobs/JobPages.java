package dev.berth.api.console.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.artifacts.ArtifactService;
import dev.berth.api.console.ConsoleNotFound;
import dev.berth.api.console.ConsolePages;
import dev.berth.api.console.ConsoleTemplates;
import dev.berth.api.console.readable.ReadableDocument;
import dev.berth.api.jobs.JobService;
import dev.berth.api.jobs.JobView;
import dev.berth.api.lifecycle.Job;
import dev.berth.api.problems.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A job's page and its polled output, for the admin's jobs pages and the tenant's own alike; the
 * caller has checked who may see the tenant's jobs. {@code base} is the URL of the job's page, under
 * which its output is polled.
 */
@ApplicationScoped
public class JobPages {

    /** htmx stops polling on this status: the attempt is over and its output complete. */
    static final int STOP_POLLING = 286;

    @Inject
    JobService jobs;
    @Inject
    LogTail tail;
    @Inject
    ArtifactService artifacts;

    public Response page(String tenant, String id, String base, boolean admin) {
        JobView job;
        ArtifactsSection collected;
        try {
            job = jobs.view(tenant, jobId(tenant, id));
            collected = artifacts(jobs.find(tenant, job.id()), admin ? null : base + "/artifacts");
        } catch (ProblemException missing) {
            throw new ConsoleNotFound("Job " + id + " of tenant " + tenant);
        }
        List<ConsoleTemplates.Rule> decisions = new ArrayList<>();
        for (JsonNode decision : job.decisions()) {
            decisions.add(new ConsoleTemplates.Rule(decision.path("rule").asText(), null, decision.path("detail").asText()));
        }
        return ConsolePages.html(200, ConsoleTemplates.job(job, ReadableDocument.of(job.effectiveSecurity()), decisions,
                Math.max(job.attempts(), 1), LogTail.TAIL_BYTES / 1024, base, admin, collected));
    }

    /** One artifact of the job's latest attempt that left any, streamed to the tenant's browser as a file. */
    public Response artifact(String tenant, String id, String name, Integer attempt) {
        ArtifactService.Download download;
        try {
            download = artifacts.download(jobs.find(tenant, jobId(tenant, id)), name, attempt);
        } catch (ProblemException missingOrRemoved) {
            throw new ConsoleNotFound("Artifact " + name + " of job " + id);
        }
        String file = name.substring(name.lastIndexOf('/') + 1);
        return Response.ok(download.content(), MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Content-Length", download.artifact().bytes())
                .header("Content-Disposition", "attachment; filename*=UTF-8''" + URLEncoder.encode(file, StandardCharsets.UTF_8).replace("+", "%20"))
                .header("Digest", download.artifact().sha256()).build();
    }

    private ArtifactsSection artifacts(Job job, String downloads) {
        try {
            return ArtifactsSection.of(artifacts.list(job, null), downloads);
        } catch (ProblemException expired) {
            if (expired.problem().status() != 410) {
                throw expired;
            }
            return ArtifactsSection.unavailable(expired.getMessage());
        }
    }

    /** The output fragment the job page polls; answers {@link #STOP_POLLING} once the job is final. */
    public Response log(String tenant, String id) {
        LogTail.Tail output;
        try {
            output = tail.of(tenant, jobId(tenant, id));
        } catch (ProblemException unavailable) {
            if (unavailable.problem().status() == 404) {
                throw new ConsoleNotFound("Job " + id + " of tenant " + tenant);
            }
            return ConsolePages.html(STOP_POLLING, ConsoleTemplates.logTail(unavailable.getMessage(), true));
        }
        return ConsolePages.html(output.over() ? STOP_POLLING : 200,
                ConsoleTemplates.logTail(output.text().isEmpty() ? "(no output yet)" : output.text(), output.over()));
    }

    private static UUID jobId(String tenant, String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ConsoleNotFound("Job " + id + " of tenant " + tenant);
        }
    }
}
