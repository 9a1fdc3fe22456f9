package dev.berth.api.artifacts;

import dev.berth.api.blobs.DataBlobs;
import dev.berth.api.lifecycle.Job;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.util.UUID;

/**
 * The artifacts of a job its tenant was already shown (the caller looked the job up for that
 * tenant); any replica answers, since the bytes are in the database.
 */
@ApplicationScoped
public class ArtifactService {

    @Inject
    JobArtifacts store;
    @Inject
    DataBlobs blobs;

    /** A download: the artifact and its bytes, streamed a chunk at a time. */
    public record Download(ArtifactView artifact, StreamingOutput content) {
    }

    @Transactional
    public ArtifactListing list(Job job, Integer attempt) {
        int chosen = attempt(job, attempt);
        return new ArtifactListing(chosen, store.list(job.id, chosen), store.notes(job.id, chosen));
    }

    @Transactional
    public Download download(Job job, String name, Integer attempt) {
        int chosen = attempt(job, attempt);
        JobArtifacts.Stored stored = store.find(job.id, chosen, name)
                .orElseThrow(() -> ProblemException.notFound("artifact " + name + " of attempt " + chosen + " of job " + job.id));
        UUID blob = stored.blobId();
        return new Download(stored.view(), out -> {
            try (InputStream in = blobs.open(blob)) {
                in.transferTo(out);
            }
        });
    }

    /** The attempt asked for, else the latest that left artifacts (or notes), else the job's latest. */
    private int attempt(Job job, Integer asked) {
        if (store.expired(job.id)) {
            throw new ProblemException(ProblemType.ARTIFACTS_EXPIRED, "the artifacts of job " + job.id
                    + " were removed by retention (berth.logs.retention) or the tenant's artifactBytes quota");
        }
        if (asked != null) {
            if (asked < 1 || asked > job.attempts) {
                throw new ProblemException(ProblemType.INVALID_ATTEMPT, "job " + job.id + " has attempts 1 to " + job.attempts + ", not " + asked);
            }
            return asked;
        }
        return store.latestAttempt(job.id).orElse(Math.max(1, job.attempts));
    }
}
