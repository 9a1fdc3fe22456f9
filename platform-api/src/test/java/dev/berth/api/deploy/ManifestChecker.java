package dev.berth.api.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What every rendered overlay must satisfy (the k8s issue): the restricted Pod Security settings
 * on every container of every workload, requests and limits, the API's health probes, PSA labels on
 * every namespace, and a default-deny NetworkPolicy with the explicit allows. Returns problems
 * rather than asserting, so a test can show that a bad manifest is caught.
 */
final class ManifestChecker {

    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod");
    private static final Set<String> SECCOMP_TYPES = Set.of("RuntimeDefault", "Localhost");

    private ManifestChecker() {
    }

    static List<String> problems(List<? extends JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        for (JsonNode object : objects) {
            String kind = object.path("kind").asText();
            if (WORKLOADS.contains(kind)) {
                checkWorkload(object, problems);
            }
            if (kind.equals("Namespace")) {
                checkNamespace(object, problems);
            }
        }
        checkNetworkPolicies(objects, problems);
        checkApiProbes(objects, problems);
        return problems;
    }

    static JsonNode podSpec(JsonNode workload) {
        return switch (workload.path("kind").asText()) {
            case "Pod" -> workload.path("spec");
            case "CronJob" -> workload.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
            default -> workload.path("spec").path("template").path("spec");
        };
    }

    private static void checkWorkload(JsonNode workload, List<String> problems) {
        String id = Kustomization.id(workload);
        JsonNode pod = podSpec(workload);
        JsonNode podContext = pod.path("securityContext");
        for (String field : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (pod.path(field).asBoolean(false)) {
                problems.add(id + ": " + field + " is set");
            }
        }
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.has("hostPath")) {
                problems.add(id + ": volume " + volume.path("name").asText() + " is a hostPath");
            }
        }
        List<JsonNode> containers = new ArrayList<>();
        pod.path("initContainers").forEach(containers::add);
        pod.path("containers").forEach(containers::add);
        if (containers.isEmpty()) {
            problems.add(id + ": no containers");
        }
        for (JsonNode container : containers) {
            String where = id + " container " + container.path("name").asText();
            JsonNode context = container.path("securityContext");
            // The container's setting wins over the pod's, as in Kubernetes.
            JsonNode nonRoot = context.has("runAsNonRoot") ? context.get("runAsNonRoot") : podContext.path("runAsNonRoot");
            if (!nonRoot.asBoolean(false)) {
                problems.add(where + ": runAsNonRoot is not true");
            }
            if (!context.path("allowPrivilegeEscalation").isBoolean() || context.path("allowPrivilegeEscalation").asBoolean()) {
                problems.add(where + ": allowPrivilegeEscalation is not false");
            }
            boolean dropsAll = false;
            for (JsonNode capability : context.path("capabilities").path("drop")) {
                dropsAll |= capability.asText().equals("ALL");
            }
            if (!dropsAll) {
                problems.add(where + ": capabilities.drop lacks ALL");
            }
            if (context.path("capabilities").path("add").size() > 0) {
                problems.add(where + ": adds capabilities " + context.path("capabilities").path("add"));
            }
            JsonNode seccomp = context.has("seccompProfile") ? context.get("seccompProfile") : podContext.path("seccompProfile");
            if (!SECCOMP_TYPES.contains(seccomp.path("type").asText())) {
                problems.add(where + ": seccompProfile is not RuntimeDefault or Localhost");
            }
            if (context.path("privileged").asBoolean(false)) {
                problems.add(where + ": privileged");
            }
            if (!context.path("readOnlyRootFilesystem").asBoolean(false)) {
                problems.add(where + ": readOnlyRootFilesystem is not true");
            }
            for (String bound : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    if (container.path("resources").path(bound).path(resource).asText().isBlank()) {
                        problems.add(where + ": no " + resource + " in resources." + bound);
                    }
                }
            }
        }
    }

    private static void checkNamespace(JsonNode namespace, List<String> problems) {
        JsonNode labels = namespace.path("metadata").path("labels");
        for (String mode : List.of("enforce", "audit", "warn")) {
            String level = labels.path("pod-security.kubernetes.io/" + mode).asText();
            if (!level.equals("restricted")) {
                problems.add(Kustomization.id(namespace) + ": pod-security.kubernetes.io/" + mode + " is '" + level + "', not restricted");
            }
        }
    }

    private static void checkNetworkPolicies(List<? extends JsonNode> objects, List<String> problems) {
        List<JsonNode> policies = objects.stream().filter(object -> object.path("kind").asText().equals("NetworkPolicy")).map(JsonNode.class::cast).toList();
        Set<String> namespaces = new TreeSet<>();
        objects.stream().filter(object -> WORKLOADS.contains(object.path("kind").asText()))
                .forEach(workload -> namespaces.add(workload.path("metadata").path("namespace").asText()));
        for (String namespace : namespaces) {
            boolean denied = policies.stream().anyMatch(policy -> policy.path("metadata").path("namespace").asText().equals(namespace)
                    && policy.path("spec").path("podSelector").isEmpty()
                    && policyTypes(policy).containsAll(Set.of("Ingress", "Egress"))
                    && !policy.path("spec").has("ingress") && !policy.path("spec").has("egress"));
            if (!denied) {
                problems.add("namespace " + namespace + ": no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)");
            }
        }
        Predicate<JsonNode> dns = peer -> peer.path("namespaceSelector").path("matchLabels").path("kubernetes.io/metadata.name").asText().equals("kube-system");
        if (!allows(policies, null, "egress", 53, "UDP", dns)) {
            problems.add("no NetworkPolicy lets every pod reach DNS in kube-system (UDP 53)");
        }
        // In prod the database is outside the cluster, so an ipBlock is the peer.
        if (!allows(policies, "berth-api", "egress", 5432, "TCP", app("postgres").or(peer -> peer.has("ipBlock")))) {
            problems.add("no NetworkPolicy lets the API reach PostgreSQL (TCP 5432)");
        }
        if (!allows(policies, "berth-api", "egress", 8080, "TCP", app("keycloak"))) {
            problems.add("no NetworkPolicy lets the API reach Keycloak (TCP 8080)");
        }
        boolean inClusterDatabase = objects.stream().anyMatch(object -> WORKLOADS.contains(object.path("kind").asText())
                && object.path("metadata").path("name").asText().equals("postgres"));
        if (inClusterDatabase && !allows(policies, "postgres", "ingress", 5432, "TCP", app("berth-api"))) {
            problems.add("PostgreSQL runs in the cluster but no NetworkPolicy admits the API to it (TCP 5432)");
        }
    }

    private static Predicate<JsonNode> app(String name) {
        return peer -> !peer.has("namespaceSelector") && name.equals(peer.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText());
    }

    private static Set<String> policyTypes(JsonNode policy) {
        Set<String> types = new HashSet<>();
        policy.path("spec").path("policyTypes").forEach(type -> types.add(type.asText()));
        return types;
    }

    /** Whether a policy selecting the app (every pod when null) opens this port to or from a matching peer. */
    private static boolean allows(List<JsonNode> policies, String app, String direction, int port, String protocol, Predicate<JsonNode> peer) {
        String peers = direction.equals("egress") ? "to" : "from";
        for (JsonNode policy : policies) {
            JsonNode selector = policy.path("spec").path("podSelector");
            boolean selects = app == null ? selector.isEmpty() : app.equals(selector.path("matchLabels").path("app.kubernetes.io/name").asText());
            if (!selects) {
                continue;
            }
            for (JsonNode rule : policy.path("spec").path(direction)) {
                boolean toPeer = false;
                for (JsonNode candidate : rule.path(peers)) {
                    toPeer |= peer.test(candidate);
                }
                for (JsonNode rulePort : rule.path("ports")) {
                    if (toPeer && rulePort.path("port").asInt() == port && rulePort.path("protocol").asText("TCP").equals(protocol)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void checkApiProbes(List<? extends JsonNode> objects, List<String> problems) {
        List<? extends JsonNode> apis = objects.stream().filter(object -> object.path("kind").asText().equals("Deployment")
                && object.path("metadata").path("name").asText().equals("berth-api")).toList();
        if (apis.size() != 1) {
            problems.add("expected one berth-api Deployment, found " + apis.size());
            return;
        }
        for (JsonNode container : podSpec(apis.getFirst()).path("containers")) {
            for (Map.Entry<String, String> probe : Map.of("livenessProbe", "/q/health/live", "readinessProbe", "/q/health/ready").entrySet()) {
                String path = container.path(probe.getKey()).path("httpGet").path("path").asText();
                if (!path.equals(probe.getValue())) {
                    problems.add("berth-api container " + container.path("name").asText() + ": " + probe.getKey() + " is '" + path + "', not " + probe.getValue());
                }
            }
        }
    }
}
