package dev.berth.policy;

import static dev.berth.policy.Requests.acme;
import static dev.berth.policy.Requests.admitted;
import static dev.berth.policy.Requests.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.data.ArtifactRequest;
import dev.berth.policy.data.DataContent;
import dev.berth.policy.data.InputFile;
import dev.berth.policy.data.JobData;
import dev.berth.policy.data.JobInputs;
import dev.berth.policy.data.JobStdin;
import dev.berth.policy.data.SecretReference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Stdin, inputs, artifacts and secrets: checked field by field, resolved into the plan by size and digest, never by content. */
class JobDataRulesTest {

    private static JobRequest with(String workingDir, Map<String, String> env, JobStdin stdin, JobInputs inputs, ArtifactRequest artifacts,
                                   List<SecretReference> secrets) {
        return new JobRequest("busybox", List.of("true"), env, workingDir, null, null, null, null, null, null, null,
                stdin, inputs, artifacts, secrets);
    }

    private static List<String> rules(JobRequest request) {
        return refused(request, acme()).stream().map(Violation::rule).toList();
    }

    @Test
    void dataIsPlannedByDigestAndNeverByContent() {
        String upload = UUID.randomUUID().toString();
        JobRequest request = with(null, null, new JobStdin("hello", null),
                new JobInputs("/tmp/in", List.of(new InputFile("a/b.txt", null, "AAEC", true)), upload),
                new ArtifactRequest(List.of("/tmp/out/**"), "failure"), List.of(new SecretReference("api-key", "API_KEY")));

        JobData data = admitted(request, acme()).data();

        assertThat(data.stdin()).isEqualTo(new JobData.Stdin(5, DataContent.sha256("hello".getBytes(StandardCharsets.UTF_8))));
        assertThat(data.inputs().files()).containsExactly(new JobData.File("a/b.txt", 3, DataContent.sha256(new byte[] {0, 1, 2}), true));
        assertThat(data.inputs().upload()).isEqualTo(upload);
        assertThat(data.artifacts().collectAfter(false)).isTrue();
        assertThat(data.artifacts().collectAfter(true)).isFalse();
        assertThat(data.secrets()).containsExactly(new JobData.Secret("api-key", "API_KEY"));
        assertThat(request.withoutContent().stdin().text()).isNull();
        assertThat(request.withoutContent().inputs().files().getFirst().base64()).isNull();
    }

    @Test
    void contentNeedsExactlyOneValidForm() {
        assertThat(rules(with(null, null, new JobStdin("a", "YQ=="), null, null, null))).containsExactly("data.shape");
        assertThat(rules(with(null, null, new JobStdin(null, "not base64!"), null, null, null))).containsExactly("data.base64");
        assertThat(rules(with(null, null, new JobStdin("x".repeat(1_048_577), null), null, null, null))).containsExactly("stdin.size");
    }

    @Test
    void inputsStayInsideTheScratchWithCanonicalNames() {
        List<InputFile> one = List.of(new InputFile("f", "x", null, null));
        assertThat(rules(with(null, null, null, new JobInputs("/etc", one, null), null, null))).containsExactly("inputs.path");
        assertThat(rules(with(null, null, null, new JobInputs("/tmp", one, null), null, null))).containsExactly("inputs.path");
        assertThat(rules(with(null, null, null, new JobInputs("/tmp/../etc", one, null), null, null))).containsExactly("inputs.path");
        assertThat(rules(with(null, null, null, new JobInputs("/tmp/in", List.of(new InputFile("../x", "x", null, null)), null), null, null)))
                .containsExactly("inputs.name");
        assertThat(rules(with(null, null, null, new JobInputs("/tmp/in", List.of(new InputFile("a", "x", null, null),
                new InputFile("a", "y", null, null)), null), null, null))).containsExactly("inputs.duplicate");
        assertThat(rules(with(null, null, null, new JobInputs("/tmp/in", null, "not-a-uuid"), null, null))).containsExactly("inputs.upload");
        assertThat(rules(with(null, null, null, new JobInputs("/tmp/in", null, null), null, null))).containsExactly("inputs.empty");
        // A working directory outside /tmp has its own scratch, and inputs may go there.
        assertThat(admitted(with("/work", null, null, new JobInputs("/work/in", one, null), null, null), acme()).data().inputs().path())
                .isEqualTo("/work/in");
    }

    @Test
    void artifactsAreCollectedFromTheScratchOnly() {
        assertThat(rules(with(null, null, null, null, new ArtifactRequest(List.of("/etc/passwd"), null), null))).containsExactly("artifacts.path");
        assertThat(rules(with(null, null, null, null, new ArtifactRequest(List.of("/tmp/../etc"), null), null))).containsExactly("artifacts.path");
        assertThat(rules(with(null, null, null, null, new ArtifactRequest(List.of(), null), null))).containsExactly("artifacts.paths");
        assertThat(rules(with(null, null, null, null, new ArtifactRequest(List.of("/tmp/x"), "sometimes"), null))).containsExactly("artifacts.when");
    }

    @Test
    void secretsHaveNamesAndVariablesThatClashWithNothing() {
        assertThat(rules(with(null, null, null, null, null, List.of(new SecretReference("Bad/Name", null))))).containsExactly("secrets.name");
        assertThat(rules(with(null, null, null, null, null, List.of(new SecretReference("a", null), new SecretReference("a", null)))))
                .containsExactly("secrets.duplicate");
        assertThat(rules(with(null, Map.of("TOKEN", "x"), null, null, null, List.of(new SecretReference("a", "TOKEN")))))
                .containsExactly("secrets.env");
        assertThat(rules(with(null, null, null, null, null, List.of(new SecretReference("a", "1BAD"))))).containsExactly("secrets.env");
    }

    @Test
    void aSecretVariableObeysThePolicysDeniedNames() {
        AdmissionContext denying = acme(Requests.policy(null, null, null, null, null, null, null, null, List.of("LD_*")));

        List<Violation> violations = refused(with(null, null, null, null, null, List.of(new SecretReference("lib", "LD_PRELOAD"))), denying);

        assertThat(violations).extracting(Violation::rule).containsExactly("env.policy");
    }
}
