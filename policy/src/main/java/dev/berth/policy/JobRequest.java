package dev.berth.policy;

import dev.berth.policy.data.ArtifactRequest;
import dev.berth.policy.data.InputFile;
import dev.berth.policy.data.JobInputs;
import dev.berth.policy.data.JobStdin;
import dev.berth.policy.data.SecretReference;
import dev.berth.policy.egress.EgressRule;
import java.util.List;
import java.util.Map;

/**
 * What a tenant asks to run, exactly as submitted. Every field may be absent; admission resolves
 * defaults and refuses what is invalid, so nothing here is trusted. {@code egress} narrows the
 * tenant's allow-list for a job in network mode {@code egress}.
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
        String network,
        JobStdin stdin,
        JobInputs inputs,
        ArtifactRequest artifacts,
        List<SecretReference> secrets,
        List<EgressRule> egress) {

    /** A request without egress narrowing. */
    public JobRequest(String image, List<String> command, Map<String, String> env, String workingDir, Integer user,
                      List<String> capabilities, ResourceRequest resources, Integer timeoutSeconds, Integer retries,
                      Map<String, String> labels, String network, JobStdin stdin, JobInputs inputs, ArtifactRequest artifacts,
                      List<SecretReference> secrets) {
        this(image, command, env, workingDir, user, capabilities, resources, timeoutSeconds, retries, labels, network,
                stdin, inputs, artifacts, secrets, null);
    }

    /** A request that carries nothing but its command: no stdin, inputs, artifacts or secrets. */
    public JobRequest(String image, List<String> command, Map<String, String> env, String workingDir, Integer user,
                      List<String> capabilities, ResourceRequest resources, Integer timeoutSeconds, Integer retries,
                      Map<String, String> labels, String network) {
        this(image, command, env, workingDir, user, capabilities, resources, timeoutSeconds, retries, labels, network,
                null, null, null, null, null);
    }

    /**
     * The request as it is kept with the job: stdin and inline files without their bytes, which are
     * stored apart and named in the plan by digest, so no view or row repeats them.
     */
    public JobRequest withoutContent() {
        JobStdin keptStdin = stdin == null ? null : new JobStdin(null, null);
        JobInputs keptInputs = inputs == null || inputs.files() == null ? inputs : new JobInputs(inputs.path(),
                inputs.files().stream().map(file -> new InputFile(file.name(), null, null, file.executable())).toList(),
                inputs.upload());
        return new JobRequest(image, command, env, workingDir, user, capabilities, resources, timeoutSeconds, retries, labels, network,
                keptStdin, keptInputs, artifacts, secrets, egress);
    }

    /** The same request naming its image another way, e.g. in full once the platform resolved a short name. */
    public JobRequest withImage(String reference) {
        return new JobRequest(reference, command, env, workingDir, user, capabilities, resources, timeoutSeconds, retries, labels, network,
                stdin, inputs, artifacts, secrets, egress);
    }
}
