package dev.berth.api.jobs;

import dev.berth.api.images.ImageUsers;
import dev.berth.api.lifecycle.JobState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.HashSet;
import java.util.Set;

/** A job not yet final keeps the image it was pinned to at admission, even when the catalog entry is gone. */
@ApplicationScoped
public class OpenJobImages implements ImageUsers {

    @Inject
    EntityManager em;

    @Override
    public Set<String> digestsInUse() {
        return new HashSet<>(em.createQuery("SELECT j.imageDigest FROM Job j WHERE j.imageDigest IS NOT NULL AND j.state IN :open", String.class)
                .setParameter("open", JobState.OPEN).getResultList());
    }
}
