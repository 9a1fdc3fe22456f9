package dev.berth.api.docker;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A container of the Docker API: created, then started as a Berth job ({@link #jobId}). Written by {@link DockerContainers} only. */
@Entity
@Table(name = "docker_containers")
public class DockerContainer {

    @Id
    public UUID id;

    @Column(nullable = false, updatable = false)
    public String tenant;

    @Column(nullable = false, updatable = false)
    public String name;

    /** The job request the Docker options were translated into (JSON). */
    @Column(name = "request_json", nullable = false, updatable = false)
    public String requestJson;

    @Column(name = "auto_remove", nullable = false, updatable = false)
    public boolean autoRemove;

    /** The job that runs the container, once it was started. */
    @Column(name = "job_id")
    public UUID jobId;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    /** Docker's 64-character container ID: the UUID's hex, twice, so that a short ID of 12 is still random. */
    public String dockerId() {
        return DockerIds.of(id);
    }
}
