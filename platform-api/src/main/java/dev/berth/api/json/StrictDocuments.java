package dev.berth.api.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.berth.api.problems.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.TreeSet;

/**
 * Reads admin documents refusing unknown fields: a misspelt {@code maxResource} that was silently
 * ignored would leave a tenant at the platform ceilings while the admin believes it is limited.
 * The body arrives as text so that every parse error becomes our own problem response.
 */
@ApplicationScoped
public class StrictDocuments {

    @Inject
    ObjectMapper mapper;

    /** The document, or null for an empty body or JSON {@code null}. */
    public <T> T read(String body, Class<T> type) throws JsonProcessingException {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(body);
        } catch (UnrecognizedPropertyException e) {
            throw new ProblemException(400, "malformed-request", "Malformed request", "unknown field \"" + e.getPropertyName()
                    + "\" in " + e.getReferringClass().getSimpleName() + "; known fields: "
                    + String.join(", ", new TreeSet<>(e.getKnownPropertyIds().stream().map(String::valueOf).toList())));
        }
    }
}
