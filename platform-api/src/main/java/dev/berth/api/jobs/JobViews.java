package dev.berth.api.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Maps stored jobs to their API view. */
@ApplicationScoped
public class JobViews {

    @Inject
    JsonColumns json;

    public JobView of(Job job) {
        return new JobView(job.id, job.tenant, job.state, job.reason, job.detail, job.exitCode,
                job.createdAt, job.startedAt, job.finishedAt, job.attempts,
                new JobView.ImageView(job.image, job.imageDigest),
                new JobView.UsageView(job.cpuSeconds, job.peakMemoryBytes, job.wallSeconds),
                job.securityJson == null ? null : json.tree(job.securityJson),
                json.tree(job.planJson).path("decisions"));
    }
}
