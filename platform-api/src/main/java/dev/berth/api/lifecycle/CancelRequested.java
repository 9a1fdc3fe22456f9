package dev.berth.api.lifecycle;

import java.util.UUID;

/**
 * A tenant asked to cancel a job that is starting or running, so some replica must stop it. Fired
 * inside the cancelling transaction; the replica running the job observes it after success, and
 * other replicas find the request on their next poll.
 */
public record CancelRequested(UUID id) {
}
