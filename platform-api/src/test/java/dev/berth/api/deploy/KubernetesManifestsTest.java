package dev.berth.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Renders every overlay under k8s/ and holds it to the restricted settings of the k8s issue. */
class KubernetesManifestsTest {

    /** Surefire runs in platform-api; k8s/ is its sibling. */
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Path K8S = REPO.resolve("k8s");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyOverlayPassesTheChecks(String overlay) {
        List<ObjectNode> objects = Kustomization.render(K8S.resolve("overlays").resolve(overlay));

        assertThat(ManifestChecker.problems(objects)).isEmpty();
        assertThat(ids(objects)).contains("Namespace /berth", "Deployment berth/berth-api", "Deployment berth/keycloak",
                "PodDisruptionBudget berth/berth-api", "NetworkPolicy berth/default-deny", "Service berth/berth-api", "ConfigMap berth/berth-realm");
    }

    @Test
    void devRunsPostgresInTheClusterAndProdDoesNot() {
        assertThat(ids(Kustomization.render(K8S.resolve("overlays/dev")))).contains("StatefulSet berth/postgres", "Service berth/postgres");
        assertThat(ids(Kustomization.render(K8S.resolve("overlays/prod")))).noneMatch(id -> id.contains("postgres") && !id.startsWith("NetworkPolicy"));
    }

    @Test
    void prodPatchesMergeIntoTheBase() {
        List<ObjectNode> objects = Kustomization.render(K8S.resolve("overlays/prod"));
        ObjectNode api = find(objects, "Deployment berth/berth-api");

        assertThat(api.at("/spec/replicas").asInt()).isEqualTo(3);
        JsonNode container = api.at("/spec/template/spec/containers/0");
        assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("1536Mi");
        // Merged by name, so what the patch does not mention survives.
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        List<String> keycloakEnv = find(objects, "Deployment berth/keycloak").at("/spec/template/spec/containers/0/env")
                .valueStream().map(variable -> variable.path("name").asText()).toList();
        assertThat(keycloakEnv).startsWith("KC_HOSTNAME", "KC_HOSTNAME_BACKCHANNEL_DYNAMIC").contains("KC_DB_URL");
    }

    @Test
    void theRealmCopyIsTheRealm() throws IOException {
        assertThat(Files.readString(K8S.resolve("base/keycloak/berth-realm.json")))
                .as("k8s/base/keycloak/berth-realm.json must be a copy of keycloak/berth-realm.json")
                .isEqualTo(Files.readString(REPO.resolve("keycloak/berth-realm.json")));
    }

    @Test
    void theCheckerRejectsAWorkloadThatMayRunAsRoot() {
        List<ObjectNode> objects = Kustomization.render(K8S.resolve("overlays/dev"));
        ObjectNode api = find(objects, "Deployment berth/berth-api");
        ((ObjectNode) api.at("/spec/template/spec/securityContext")).remove("runAsNonRoot");
        ((ObjectNode) api.at("/spec/template/spec/containers/0/securityContext")).remove("runAsNonRoot");

        assertThat(ManifestChecker.problems(objects)).containsExactly("Deployment berth/berth-api container api: runAsNonRoot is not true");
    }

    @Test
    void theCheckerRejectsAnUnconfinedDeployment() {
        List<ObjectNode> objects = Kustomization.render(K8S.resolve("overlays/prod"));
        ObjectNode keycloak = find(objects, "Deployment berth/keycloak");
        ObjectNode context = (ObjectNode) keycloak.at("/spec/template/spec/containers/0/securityContext");
        context.put("allowPrivilegeEscalation", true);
        context.put("readOnlyRootFilesystem", false);
        context.putObject("seccompProfile").put("type", "Unconfined");
        context.putObject("capabilities").putArray("add").add("SYS_ADMIN");
        ((ObjectNode) keycloak.at("/spec/template/spec/containers/0/resources")).remove("limits");
        ((ObjectNode) find(objects, "Namespace /berth").at("/metadata/labels")).put("pod-security.kubernetes.io/enforce", "privileged");
        objects.removeIf(object -> Kustomization.id(object).equals("NetworkPolicy berth/default-deny"));

        assertThat(ManifestChecker.problems(objects)).containsExactlyInAnyOrder(
                "Deployment berth/keycloak container keycloak: allowPrivilegeEscalation is not false",
                "Deployment berth/keycloak container keycloak: capabilities.drop lacks ALL",
                "Deployment berth/keycloak container keycloak: adds capabilities [\"SYS_ADMIN\"]",
                "Deployment berth/keycloak container keycloak: seccompProfile is not RuntimeDefault or Localhost",
                "Deployment berth/keycloak container keycloak: readOnlyRootFilesystem is not true",
                "Deployment berth/keycloak container keycloak: no cpu in resources.limits",
                "Deployment berth/keycloak container keycloak: no memory in resources.limits",
                "Namespace /berth: pod-security.kubernetes.io/enforce is 'privileged', not restricted",
                "namespace berth: no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)");
    }

    @Test
    void theCheckerWantsTheExplicitAllowsAndTheProbes() {
        List<ObjectNode> objects = Kustomization.render(K8S.resolve("overlays/dev"));
        objects.removeIf(object -> Kustomization.id(object).matches("NetworkPolicy berth/(allow-dns|api-to-keycloak|postgres-ingress)"));
        ((ObjectNode) find(objects, "Deployment berth/berth-api").at("/spec/template/spec/containers/0")).remove("livenessProbe");

        assertThat(ManifestChecker.problems(objects)).containsExactlyInAnyOrder(
                "no NetworkPolicy lets every pod reach DNS in kube-system (UDP 53)",
                "no NetworkPolicy lets the API reach Keycloak (TCP 8080)",
                "PostgreSQL runs in the cluster but no NetworkPolicy admits the API to it (TCP 5432)",
                "berth-api container api: livenessProbe is '', not /q/health/live");
    }

    @Test
    void theLoaderRefusesWhatItCannotRender(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: []\nimages:\n  - name: berth/platform-api\n    newTag: latest\n");

        assertThatThrownBy(() -> Kustomization.render(dir)).hasMessageContaining("'images'");
    }

    private static ObjectNode find(List<ObjectNode> objects, String id) {
        return objects.stream().filter(object -> Kustomization.id(object).equals(id)).findFirst().orElseThrow(() -> new AssertionError("no " + id));
    }

    private static List<String> ids(List<ObjectNode> objects) {
        return objects.stream().map(Kustomization::id).toList();
    }
}
