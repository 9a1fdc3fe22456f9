package dev.berth.api.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.images.ImageUsers;
import dev.berth.policy.ImageReference;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;

/** A digest a tenant's allow-list names stays available, so the policy never points at content that is gone. */
@ApplicationScoped
public class AllowListImages implements ImageUsers {

    @Inject
    EntityManager em;
    @Inject
    ObjectMapper mapper;

    @Override
    public Set<String> digestsInUse() {
        Set<String> pinned = new HashSet<>();
        for (StoredPolicy policy : em.createQuery("FROM StoredPolicy", StoredPolicy.class).getResultList()) {
            try {
                for (JsonNode pattern : mapper.readTree(policy.policyJson).path("allowedImages")) {
                    if (ImageReference.isDigest(pattern.asText())) {
                        pinned.add(pattern.asText());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("the stored policy of tenant " + policy.tenant + " is not JSON; store it again", e);
            }
        }
        return pinned;
    }
}
