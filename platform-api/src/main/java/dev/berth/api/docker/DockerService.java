package dev.berth.api.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.jobs.JobService;
import dev.berth.api.jobs.JobView;
import dev.berth.api.jobs.JobWaits;
import dev.berth.api.lifecycle.JobReason;
import dev.berth.api.refusals.Refusals;
import dev.berth.policy.JobRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Docker's container verbs over Berth's jobs. Create translates the Docker options and runs the
 * job's admission (so a refusal comes at {@code docker create}, as Docker's own would), start
 * submits the job through the same admission as {@code POST /api/v1/jobs}, kill cancels it. The
 * job stays in Berth's history after {@code docker rm}, which removes the container only.
 */
@ApplicationScoped
public class DockerService {

    private static final Duration POLL = Duration.ofMillis(200);

    @Inject
    DockerContainers containers;
    @Inject
    DockerImages images;
    @Inject
    JobService jobs;
    @Inject
    JobWaits waits;
    @Inject
    Refusals refusals;

    /** A container as Docker shows it: the container and its job (absent until started). */
    public record Shown(DockerContainer container, JobRequest request, Optional<JobView> job) {

        public boolean running() {
            return job.isPresent() && !job.get().state().isFinal();
        }

        public boolean finished() {
            return job.isPresent() && job.get().state().isFinal();
        }
    }

    /** Creates the container; answers its Docker ID. */
    public String create(String tenant, String name, JsonNode body) {
        ContainerTranslation.Result translated = ContainerTranslation.translate(body);
        if (!translated.violations().isEmpty()) {
            throw refusals.policy(translated.violations());
        }
        JobRequest request = translated.container().request();
        if (request.image() == null) {
            throw new DockerException(400, "the container config names no image");
        }
        if (!images.available(tenant, request.image())) {
            throw new DockerException(404, "No such image: " + request.image());
        }
        jobs.dryRun(tenant, request);
        return containers.create(tenant, name, translated.container()).dockerId();
    }

    /**
     * Submits the container's job; the Docker container ID is its idempotency key, so a start that
     * is repeated after a lost answer does not run the job twice.
     */
    @Transactional
    public boolean start(String tenant, String reference) {
        DockerContainer container = containers.find(tenant, reference);
        if (container.jobId != null) {
            return false;
        }
        UUID job = jobs.submit(tenant, containers.request(container), Optional.of("docker-start-" + container.id)).job().id();
        containers.started(container, job);
        return true;
    }

    /** The container with its job; an auto-removed container whose job ended is removed now and reported missing. */
    public Shown show(String tenant, String reference) {
        return visible(containers.find(tenant, reference)).orElseThrow(() -> DockerContainers.noSuchContainer(reference));
    }

    public List<Shown> list(String tenant, boolean all) {
        return containers.list(tenant).stream().map(this::visible).flatMap(Optional::stream)
                .filter(shown -> all || shown.running()).toList();
    }

    private Optional<Shown> visible(DockerContainer container) {
        Optional<JobView> job = Optional.ofNullable(container.jobId).map(id -> jobs.view(container.tenant, id));
        if (container.autoRemove && job.isPresent() && job.get().state().isFinal()) {
            containers.remove(container);
            return Optional.empty();
        }
        return Optional.of(new Shown(container, containers.request(container), job));
    }

    /**
     * Blocks until the container's job is final (for {@code removed}: and the container is gone,
     * which {@code --rm} does as the job ends). A container removed before it ran answers an empty job.
     */
    public Optional<JobView> await(String tenant, Shown shown, String condition) {
        DockerContainer container = shown.container();
        while (true) {
            Optional<DockerContainer> now = containers.reread(container);
            if (now.isEmpty()) {
                return Optional.empty();
            }
            if (now.get().jobId == null) {
                sleep();
                continue;
            }
            JobView job = waits.view(tenant, now.get().jobId, JobWaits.MAX_WAIT).toCompletableFuture().join();
            if (!job.state().isFinal()) {
                continue;
            }
            if (now.get().autoRemove) {
                containers.remove(now.get());
            }
            if (!"removed".equals(condition) || containers.reread(container).isEmpty()) {
                return Optional.of(job);
            }
            awaitRemoval(container);
            return Optional.of(job);
        }
    }

    private void awaitRemoval(DockerContainer container) {
        while (containers.reread(container).isPresent()) {
            sleep();
        }
    }

    /** Docker's exit status for a finished job: the program's own, 137 for a kill (Docker's 128 + SIGKILL). */
    public static Optional<Integer> exitStatus(JobView job) {
        if (job.exitCode() != null) {
            return Optional.of(job.exitCode());
        }
        if (job.reason() == JobReason.OOMKilled || job.reason() == JobReason.Cancelled || job.reason() == JobReason.TimedOut) {
            return Optional.of(137);
        }
        return Optional.empty();
    }

    public void kill(String tenant, String reference) {
        Shown shown = show(tenant, reference);
        if (!shown.running()) {
            throw new DockerException(409, "Container " + shown.container().name + " is not running");
        }
        jobs.cancel(tenant, shown.container().jobId);
    }

    public void remove(String tenant, String reference, boolean force) {
        Shown shown = show(tenant, reference);
        if (shown.running()) {
            if (!force) {
                throw new DockerException(409, "You cannot remove a running container " + shown.container().name
                        + ". Stop the container before attempting removal or force remove (docker rm -f)");
            }
            jobs.cancel(tenant, shown.container().jobId);
        }
        containers.remove(shown.container());
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DockerException(503, "interrupted while waiting for the container");
        }
    }
}
