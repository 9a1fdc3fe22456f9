package dev.berth.api.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.policy.JobRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** The one writer of {@code docker_containers}; every read is for one tenant, so another tenant's container is missing. */
@ApplicationScoped
public class DockerContainers {

    private static final Pattern NAME = Pattern.compile("/?[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    @Inject
    EntityManager em;
    @Inject
    ObjectMapper json;

    @Transactional
    public DockerContainer create(String tenant, String name, ContainerTranslation.Container container) {
        UUID id = UUID.randomUUID();
        String chosen = name == null || name.isEmpty() ? "berth_" + DockerIds.of(id).substring(0, 12) : name;
        if (!NAME.matcher(chosen).matches()) {
            throw new DockerException(400, "Invalid container name (" + chosen + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        String bare = chosen.startsWith("/") ? chosen.substring(1) : chosen;
        if (byName(tenant, bare).isPresent()) {
            throw new DockerException(409, "Conflict. The container name \"/" + bare + "\" is already in use: remove that container"
                    + " (docker rm " + bare + ") or choose another name");
        }
        DockerContainer entity = new DockerContainer();
        entity.id = id;
        entity.tenant = tenant;
        entity.name = bare;
        entity.requestJson = write(container.request());
        entity.autoRemove = container.autoRemove();
        entity.createdAt = Instant.now();
        em.persist(entity);
        return entity;
    }

    /** The tenant's container by name, full ID or a unique ID prefix; answers Docker's 404 otherwise. */
    @Transactional
    public DockerContainer find(String tenant, String reference) {
        String bare = reference.startsWith("/") ? reference.substring(1) : reference;
        Optional<DockerContainer> named = byName(tenant, bare);
        if (named.isPresent()) {
            return named.get();
        }
        List<DockerContainer> matches = DockerIds.prefix(bare).map(prefix -> em.createQuery(
                        "FROM DockerContainer c WHERE c.tenant = :tenant AND replace(cast(c.id as string), '-', '') LIKE :prefix",
                        DockerContainer.class)
                .setParameter("tenant", tenant).setParameter("prefix", prefix + "%").setMaxResults(2).getResultList()).orElse(List.of());
        if (matches.size() > 1) {
            throw new DockerException(400, "multiple IDs found with provided prefix: " + reference + "; give more of the ID");
        }
        return matches.stream().findFirst().orElseThrow(() -> noSuchContainer(reference));
    }

    @Transactional
    public List<DockerContainer> list(String tenant) {
        return em.createQuery("FROM DockerContainer c WHERE c.tenant = :tenant ORDER BY c.createdAt DESC", DockerContainer.class)
                .setParameter("tenant", tenant).getResultList();
    }

    /** Records the job a start submitted; a second start of the same container is refused. */
    @Transactional
    public void started(DockerContainer container, UUID jobId) {
        int updated = em.createQuery("UPDATE DockerContainer c SET c.jobId = :job WHERE c.id = :id AND c.jobId IS NULL")
                .setParameter("job", jobId).setParameter("id", container.id).executeUpdate();
        if (updated != 1) {
            throw new DockerException(409, "container " + container.name + " was started already; Berth jobs run once: create a new container");
        }
    }

    @Transactional
    public void remove(DockerContainer container) {
        em.createQuery("DELETE FROM DockerContainer c WHERE c.id = :id").setParameter("id", container.id).executeUpdate();
    }

    /** Whether the container is still there (not removed meanwhile, by {@code docker rm} or {@code --rm}). */
    @Transactional
    public Optional<DockerContainer> reread(DockerContainer container) {
        return Optional.ofNullable(em.find(DockerContainer.class, container.id)).map(found -> {
            em.detach(found);
            return found;
        });
    }

    public JobRequest request(DockerContainer container) {
        try {
            return json.readValue(container.requestJson, JobRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("container " + container.id + " holds an unreadable request", e);
        }
    }

    static DockerException noSuchContainer(String reference) {
        return new DockerException(404, "No such container: " + reference);
    }

    private Optional<DockerContainer> byName(String tenant, String name) {
        return em.createQuery("FROM DockerContainer c WHERE c.tenant = :tenant AND c.name = :name", DockerContainer.class)
                .setParameter("tenant", tenant).setParameter("name", name).getResultStream().findFirst();
    }

    private String write(JobRequest request) {
        try {
            return json.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot store the request", e);
        }
    }
}
