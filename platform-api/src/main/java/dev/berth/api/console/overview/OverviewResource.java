package dev.berth.api.console.overview;

import dev.berth.api.console.ConsolePages;
import dev.berth.api.console.ConsoleTemplates;
import dev.berth.api.console.session.ConsoleAccess;
import dev.berth.api.console.session.ConsoleSession;
import dev.berth.api.jobs.JobListing;
import dev.berth.api.jobs.JobView;
import dev.berth.api.lifecycle.JobState;
import dev.berth.api.tenants.TenantListing;
import dev.berth.api.tenants.TenantSummary;
import dev.berth.api.usage.TenantUsage;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Comparator;
import java.util.List;

/** The landing page: what runs and waits now, and every tenant's use of its quota. */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class OverviewResource {

    /** Active jobs shown per tenant; the jobs page lists the rest. */
    private static final long PER_TENANT = 20;
    private static final List<String> ACTIVE = List.of(JobState.QUEUED.name(), JobState.STARTING.name(), JobState.RUNNING.name());

    @Inject
    ConsoleAccess access;
    @Inject
    ConsoleSession session;
    @Inject
    TenantListing tenants;
    @Inject
    TenantUsage usage;
    @Inject
    JobListing jobs;

    @GET
    public Response overview() {
        // Auditors and tenant members land on the pages they may use.
        if (session.viewer().signedIn() && !session.viewer().admin() && session.viewer().reviewer()) {
            return Response.seeOther(URI.create("/console/audit")).build();
        }
        if (session.viewer().signedIn() && !session.viewer().admin() && session.viewer().tenantMember()) {
            return Response.seeOther(URI.create("/console/my")).build();
        }
        access.requireAdmin();
        List<TenantSummary> all = tenants.all();
        // Only tenants with something queued or running cost a listing query.
        List<JobView> active = all.stream().filter(tenant -> tenant.usage().activeJobs() > 0)
                .flatMap(tenant -> jobs.list(tenant.id(), ACTIVE, List.of(), null, PER_TENANT).items().stream())
                .sorted(Comparator.comparing(JobView::createdAt).reversed())
                .toList();
        long running = active.stream().filter(job -> job.state() != JobState.QUEUED).count();
        List<TenantBars> bars = all.stream().map(tenant -> TenantBars.of(usage.of(tenant.id()))).toList();
        return ConsolePages.html(200, ConsoleTemplates.overview(active, running, active.size() - running, bars));
    }
}
