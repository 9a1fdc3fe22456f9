package dev.berth.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.data.JobData;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Secrets a request asked for as environment variables. They are added to the spec after it was
 * generated and validated, so that no generator, validator message or spec test ever holds a value.
 */
final class SecretVariables {

    private SecretVariables() {
    }

    static void add(ObjectNode spec, JobData data, Map<String, byte[]> values) {
        ArrayNode env = spec.withArray("/process/env");
        for (JobData.Secret secret : data.secrets()) {
            if (secret.env() != null) {
                env.add(secret.env() + "=" + new String(values.get(secret.name()), StandardCharsets.UTF_8));
            }
        }
    }
}
