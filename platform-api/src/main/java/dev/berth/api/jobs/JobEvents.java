package dev.berth.api.jobs;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.UUID;

/**
 * {@code GET /jobs/{id}/events}: the job's transitions as server-sent events, ending after the
 * final state. Each event is the job as a committed transition left it, so transitions that follow
 * one another faster than the job is read again are sent as the later one; the final state is
 * always sent. Wake-ups come through {@link JobWaits}, so a transition committed on any replica
 * reaches a follower on any other.
 */
@ApplicationScoped
public class JobEvents {

    /** How long one wait for the next transition lasts before the job is looked at again. */
    private static final Duration NEXT = Duration.ofSeconds(30);
    static final String EVENT_NAME = "transition";

    @Inject
    JobService jobs;
    @Inject
    JobWaits waits;

    /**
     * The tenant's job's events from now on: its current state first, unless {@code lastEventId}
     * (a reconnecting client's) names it. A missing job, or another tenant's, is a 404 here, before
     * the stream starts.
     */
    public Multi<OutboundSseEvent> follow(String tenant, UUID id, String lastEventId, Sse sse) {
        JobView first = jobs.view(tenant, id);
        // Subscribed on a worker: the waits read the job from the database.
        return Multi.createFrom().<OutboundSseEvent>emitter(emitter -> send(emitter, sse, tenant, id, first, lastEventId))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private void send(MultiEmitter<? super OutboundSseEvent> emitter, Sse sse, String tenant, UUID id, JobView job, String lastSent) {
        if (emitter.isCancelled()) {
            return;
        }
        JobTransition transition = JobTransition.of(job);
        if (!transition.id().equals(lastSent)) {
            emitter.emit(sse.newEventBuilder().id(transition.id()).name(EVENT_NAME)
                    .mediaType(MediaType.APPLICATION_JSON_TYPE).data(JobTransition.class, transition).build());
        }
        if (job.state().isFinal()) {
            emitter.complete();
            return;
        }
        waits.after(tenant, id, job, NEXT).whenComplete((next, failure) -> {
            if (failure != null) {
                emitter.fail(failure);
            } else {
                send(emitter, sse, tenant, id, next, transition.id());
            }
        });
    }
}
