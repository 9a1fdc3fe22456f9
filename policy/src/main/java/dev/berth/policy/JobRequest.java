package dev.berth.policy;

import java.util.List;
import java.util.Map;

/**
 * What a tenant asks to run, exactly as submitted. Every field may be absent; admission resolves
 * defaults and refuses what is invalid, so nothing here is trusted.
 */
public record JobRequest(
        String image,
        List<String> command,
        Map<String, String> env,
        String workingDir,
        Integer user,
        List<String> capabilities,
        ResourceRequest resources,
        Integer timeoutSeconds,
        Integer retries,
        Map<String, String> labels,
        String network) {

    /** The same request naming its image another way, e.g. in full once the platform resolved a short name. */
    public JobRequest withImage(String reference) {
        return new JobRequest(reference, command, env, workingDir, user, capabilities, resources, timeoutSeconds, retries, labels, network);
    }
}
