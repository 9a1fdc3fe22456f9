package dev.berth.api.inputs;

import dev.berth.api.refusals.Refusals;
import dev.berth.api.secrets.SecretService;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.Violation;
import dev.berth.policy.data.JobData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What admission cannot know on its own: that the upload a job names is the tenant's and fits the
 * job's scratch beside the inline files, and that every secret it names exists. A tenant can never
 * name another tenant's upload or secret: both answer as missing.
 */
@ApplicationScoped
public class JobDataAdmission {

    @Inject
    InputUploads uploads;
    @Inject
    SecretService secrets;
    @Inject
    Refusals refusals;

    /** The plan with its upload's size filled in, or a refusal with every violation found. */
    @Transactional(Transactional.TxType.MANDATORY)
    public ExecutionPlan resolve(String tenant, ExecutionPlan plan) {
        List<Violation> violations = new ArrayList<>();
        JobData data = plan.data();
        JobData.Inputs inputs = data.inputs();
        if (inputs != null && inputs.upload() != null) {
            Optional<InputUploads.Stored> upload = uploads.find(tenant, UUID.fromString(inputs.upload()));
            if (upload.isEmpty()) {
                violations.add(new Violation("inputs.upload", "inputs.upload", "tenant " + tenant + " has no upload " + inputs.upload()
                        + "; upload the tar first (POST /api/v1/inputs) and name the id it answers"));
            } else {
                inputs = inputs.withUploadBytes(upload.get().unpackedBytes());
                long scratch = plan.limits().scratchBytes();
                if (inputs.totalBytes() > scratch) {
                    violations.add(new Violation("inputs.scratch", "inputs", "the inputs take " + inputs.totalBytes()
                            + " bytes, more than the job's scratch of " + scratch + " bytes; ask for more resources.scratchMiB"));
                }
            }
        }
        for (String missing : secrets.missing(tenant, data.secrets())) {
            violations.add(new Violation("secrets.unknown", "secrets", "tenant " + tenant + " has no secret named " + missing
                    + "; set it first with PUT /api/v1/secrets/" + missing));
        }
        refusals.refuseIfAny(violations);
        return inputs == data.inputs() ? plan : plan.withData(data.withInputs(inputs));
    }
}
