package dev.berth.api.jobs;

import dev.berth.api.json.JsonColumns;
import dev.berth.api.json.StoredJson;
import dev.berth.api.lifecycle.Job;
import dev.berth.api.lifecycle.JobState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/** Maps stored jobs to their API view. */
@ApplicationScoped
public class JobViews {

    @Inject
    JsonColumns json;

    /** The job as lists show it. */
    public JobView of(Job job) {
        return view(job, null);
    }

    /** The job with every attempt, as {@code GET /jobs/{id}} shows it. */
    public JobView withHistory(Job job, List<JobView.AttemptView> history) {
        return view(job, history);
    }

    private JobView view(Job job, List<JobView.AttemptView> history) {
        return new JobView(job.id, job.tenant, job.state, job.reason, job.detail, job.exitCode,
                job.createdAt, job.startedAt, job.finishedAt, job.attempts, job.maxAttempts,
                job.state == JobState.QUEUED ? job.notBefore : null, job.cancelRequestedAt, json.tree(job.labels),
                new JobView.ImageView(job.image, job.imageDigest),
                new JobView.UsageView(job.cpuSeconds, job.peakMemoryBytes, job.wallSeconds),
                StoredJson.of(job.securityJson), StoredJson.of(job.decisions), StoredJson.of(job.dataJson), history);
    }
}
