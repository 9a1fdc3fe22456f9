package dev.berth.engine.spec;

import static dev.berth.engine.spec.SpecFixtures.BASELINE_POLICY;
import static dev.berth.engine.spec.SpecFixtures.MAPPER;
import static dev.berth.engine.spec.SpecFixtures.SERVICE;
import static dev.berth.engine.spec.SpecFixtures.TENANT_RANGE;
import static dev.berth.engine.spec.SpecFixtures.admitted;
import static dev.berth.engine.spec.SpecFixtures.built;
import static dev.berth.engine.spec.SpecFixtures.context;
import static dev.berth.engine.spec.SpecFixtures.grantingCeilings;
import static dev.berth.engine.spec.SpecFixtures.precompiledContext;
import static dev.berth.engine.spec.SpecFixtures.privilegedRequest;
import static dev.berth.engine.spec.SpecFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.ResourceRequest;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Specs built the way the engine builds them pass; each unsafe case makes exactly one change to
 * such a spec and must be refused with the rule it breaks, and with no other rule.
 */
class SpecValidatorTest {

    private static final ObjectNode SAFE = built(context(admitted(request("sh", "-c", "true"))));
    private static final ObjectNode SAFE_PRECOMPILED = built(precompiledContext(admitted(request("sh", "-c", "true"))));
    /** RLIM_INFINITY as the runtime spec writes it: 2^64 - 1, beyond a signed long. */
    private static final BigInteger RLIM_INFINITY = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);

    /** One unsafe change to a safe spec, the rule that must refuse it, and a piece of the reason it must give. */
    record UnsafeChange(String description, ObjectNode base, Consumer<ObjectNode> change, String rule, String reason) {

        @Override
        public String toString() {
            return description;
        }
    }

    static List<Named<ObjectNode>> safeSpecs() {
        return List.of(
                Named.of("default plan, JSON seccomp", SAFE),
                Named.of("default plan, precompiled seccomp", SAFE_PRECOMPILED),
                Named.of("NET_BIND_SERVICE granted", built(context(admitted(privilegedRequest(List.of("NET_BIND_SERVICE"),
                        PlatformCeilings.NO_NETWORK), grantingCeilings(4096), BASELINE_POLICY)))),
                Named.of("network egress, the gate a createContainer hook", built(context(admitted(privilegedRequest(null,
                        PlatformCeilings.EGRESS_NETWORK), grantingCeilings(1024), BASELINE_POLICY)))),
                Named.of("highest uid, smallest resources, working directory outside /tmp", built(context(admitted(
                        request(Map.of("HOME", "/srv"), "/srv", 65_535, new ResourceRequest(10, 8, 8, 1), "true"))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("safeSpecs")
    void aSpecAsTheEngineBuildsItBreaksNoRule(ObjectNode spec) {
        assertThat(SpecValidator.problems(spec)).isEmpty();
    }

    static List<UnsafeChange> unsafeChanges() {
        List<UnsafeChange> cases = new ArrayList<>();
        processChanges(cases);
        seccompChanges(cases);
        filesystemChanges(cases);
        namespaceChanges(cases);
        idMapChanges(cases, "uid", SERVICE.uid());
        idMapChanges(cases, "gid", SERVICE.gid());
        limitChanges(cases);
        startGateChanges(cases);
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsafeChanges")
    void anUnsafeChangeIsRefusedWithTheRuleItBreaksAndOnlyThatRule(UnsafeChange unsafe) {
        ObjectNode spec = unsafe.base().deepCopy();
        unsafe.change().accept(spec);
        assertThat(spec).as("the case changes the safe spec").isNotEqualTo(unsafe.base());

        List<SpecProblem> problems = SpecValidator.problems(spec);

        assertThat(problems).as(unsafe.description()).isNotEmpty().allSatisfy(problem -> assertThat(problem.rule()).isEqualTo(unsafe.rule()));
        assertThat(problems).as(unsafe.description()).anySatisfy(problem -> assertThat(problem.reason()).contains(unsafe.reason()));
        assertThatThrownBy(() -> SpecValidator.validate(spec))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("refusing to write an unsafe OCI spec")
                .hasMessageContaining(unsafe.rule() + ": ")
                .hasMessageContaining(unsafe.reason());
    }

    @Test
    void oneRefusalNamesEveryRuleTheSpecBreaks() {
        ObjectNode spec = SAFE.deepCopy();
        set("/process/user/uid", 0).accept(spec);
        set("/process/noNewPrivileges", false).accept(spec);
        remove("/linux/seccomp").accept(spec);

        assertThat(SpecValidator.problems(spec)).extracting(SpecProblem::rule)
                .containsExactly("user.non-root", "privileges.no-new", "seccomp.default-deny");
        assertThatThrownBy(() -> SpecValidator.validate(spec))
                .hasMessageContaining("user.non-root: ")
                .hasMessageContaining("; privileges.no-new: ")
                .hasMessageContaining("; seccomp.default-deny: ");
    }

    private static void processChanges(List<UnsafeChange> cases) {
        cases.add(unsafe("uid 0", set("/process/user/uid", 0), "user.non-root", "uid 0"));
        cases.add(unsafe("no uid", remove("/process/user/uid"), "user.non-root", "uid 0"));
        cases.add(unsafe("gid 0", set("/process/user/gid", 0), "group.non-root", "gid 0"));
        cases.add(unsafe("no gid", remove("/process/user/gid"), "group.non-root", "gid 0"));
        cases.add(unsafe("supplementary gid 0", add("/process/user/additionalGids", 0), "group.non-root", "supplementary group 0"));
        cases.add(unsafe("no_new_privileges off", set("/process/noNewPrivileges", false), "privileges.no-new", "no_new_privileges is off"));
        cases.add(unsafe("no_new_privileges unset", remove("/process/noNewPrivileges"), "privileges.no-new", "no_new_privileges is off"));
        for (String set : ProcessGenerator.CAPABILITY_SETS) {
            cases.add(unsafe("CAP_SYS_ADMIN in the " + set + " set", add("/process/capabilities/" + set, "CAP_SYS_ADMIN"),
                    "capabilities.ceiling", "capability CAP_SYS_ADMIN in the " + set + " set is never granted"));
            cases.add(unsafe("CAP_NET_RAW in the " + set + " set", add("/process/capabilities/" + set, "CAP_NET_RAW"),
                    "capabilities.ceiling", "capability CAP_NET_RAW in the " + set + " set"));
            cases.add(unsafe("NET_BIND_SERVICE without its CAP_ prefix in the " + set + " set",
                    add("/process/capabilities/" + set, "NET_BIND_SERVICE"), "capabilities.ceiling", "capability NET_BIND_SERVICE"));
            cases.add(unsafe("no " + set + " set", remove("/process/capabilities/" + set),
                    "capabilities.ceiling", "the " + set + " capability set is missing"));
        }
        cases.add(unsafe("no capabilities at all", remove("/process/capabilities"),
                "capabilities.ceiling", "the bounding capability set is missing"));
    }

    private static void seccompChanges(List<UnsafeChange> cases) {
        cases.add(unsafe("no seccomp", remove("/linux/seccomp"), "seccomp.default-deny", "no seccomp filter"));
        cases.add(unsafe("seccomp default allow", set("/linux/seccomp/defaultAction", "SCMP_ACT_ALLOW"),
                "seccomp.default-deny", "default action is SCMP_ACT_ALLOW"));
        cases.add(unsafe("seccomp default log", set("/linux/seccomp/defaultAction", "SCMP_ACT_LOG"),
                "seccomp.default-deny", "default action is SCMP_ACT_LOG"));
        cases.add(unsafe("seccomp without a default action", remove("/linux/seccomp/defaultAction"),
                "seccomp.default-deny", "not SCMP_ACT_ERRNO"));
        String annotation = "/annotations/" + SeccompGenerator.BPF_ANNOTATION;
        cases.add(new UnsafeChange("precompiled program removed", SAFE_PRECOMPILED, remove(annotation),
                "seccomp.default-deny", "no seccomp filter"));
        for (String program : List.of("", "not base64!", Base64.getEncoder().encodeToString(new byte[7]))) {
            cases.add(new UnsafeChange("precompiled program \"" + program + "\"", SAFE_PRECOMPILED, set(annotation, program),
                    "seccomp.default-deny", "does not hold a BPF program"));
        }
    }

    private static void filesystemChanges(List<UnsafeChange> cases) {
        cases.add(unsafe("writable rootfs", set("/root/readonly", false), "rootfs.read-only", "the root filesystem is writable"));
        cases.add(unsafe("rootfs writability unset", remove("/root/readonly"), "rootfs.read-only", "the root filesystem is writable"));
        for (String path : MountGenerator.MASKED_PATHS) {
            cases.add(unsafe("unmasked " + path, removeWhere("/linux/maskedPaths", node -> node.asText().equals(path)),
                    "paths.masked", path + " is not masked"));
        }
        for (String path : MountGenerator.READONLY_PATHS) {
            cases.add(unsafe("writable " + path, removeWhere("/linux/readonlyPaths", node -> node.asText().equals(path)),
                    "paths.read-only", path + " is not read-only"));
        }
        cases.add(unsafe("writable sysfs", mountOptionRemoved("/sys", "ro"::equals), "mounts.read-only", "sysfs at /sys is mounted writable"));
        cases.add(unsafe("writable cgroup mount", mountOptionRemoved("/sys/fs/cgroup", "ro"::equals),
                "mounts.read-only", "cgroup at /sys/fs/cgroup is mounted writable"));
        cases.add(unsafe("an extra writable cgroup2 mount", addMount("/sys/fs/cgroup/unified", "cgroup2", "nosuid"),
                "mounts.read-only", "cgroup2 at /sys/fs/cgroup/unified is mounted writable"));
        cases.add(unsafe("unlimited /tmp", mountOptionRemoved("/tmp", option -> option.startsWith("size=")),
                "scratch.size", "tmpfs at /tmp has no size= limit"));
        cases.add(unsafe("unlimited /dev/shm", mountOptionRemoved("/dev/shm", option -> option.startsWith("size=")),
                "scratch.size", "tmpfs at /dev/shm has no size= limit"));
        cases.add(unsafe("an extra unlimited tmpfs", addMount("/var/tmp", "tmpfs", "nosuid", "nodev"),
                "scratch.size", "tmpfs at /var/tmp has no size= limit"));
    }

    private static void namespaceChanges(List<UnsafeChange> cases) {
        for (String type : NamespaceGenerator.NAMESPACES) {
            cases.add(unsafe("no " + type + " namespace", removeWhere("/linux/namespaces", node -> node.path("type").asText().equals(type)),
                    "namespaces.required", "missing namespaces [" + type + "]"));
            cases.add(unsafe("the host's " + type + " namespace joined", joinHostNamespace(type),
                    "namespaces.fresh", "namespace " + type + " joins an existing one at /proc/1/ns/" + type));
        }
    }

    /** Maps written in full, so each case breaks one rule: container IDs stay disjoint unless the case is about them. */
    private static void idMapChanges(List<UnsafeChange> cases, String kind, long service) {
        String pointer = "/linux/" + kind + "Mappings";
        long tenant = TENANT_RANGE.hostStart();
        cases.add(unsafe("host " + kind + " 0 as container root", set(pointer, idMap(0, 0, 1, 1, tenant + 1, 65_535)),
                "idmap.host-root", "host " + kind + " 0 is mapped into the container as " + kind + " 0"));
        cases.add(unsafe("host " + kind + " 0 as a job ID",
                set(pointer, idMap(0, service, 1, 1, tenant + 1, 999, 1000, 0, 1, 1001, tenant + 1001, 64_535)),
                "idmap.host-root", "host " + kind + " 0 is mapped into the container as " + kind + " 1000"));
        cases.add(unsafe("container root's " + kind + " line reaching past the service user",
                set(pointer, idMap(0, service, 2, 2, tenant + 2, 65_534)),
                "idmap.container-root", "container " + kind + " 0 maps 2 host IDs from " + service));
        cases.add(unsafe("a job " + kind + " mapped onto the service user",
                set(pointer, idMap(0, service, 1, 1, tenant + 1, 999, 1000, service, 1, 1001, tenant + 1001, 64_535)),
                "idmap.overlap", "host " + kind + "s " + service + "-" + service + " are mapped twice"));
        cases.add(unsafe("a container " + kind + " mapped twice",
                set(pointer, idMap(0, service, 1, 1, tenant + 1, 65_535, 1000, tenant + 70_000, 1)),
                "idmap.overlap", "container " + kind + "s 1000-1000 are mapped twice"));
        cases.add(unsafe("two " + kind + " lines sharing host IDs",
                set(pointer, idMap(0, service, 1, 1, tenant + 1, 65_535, 65_536, tenant + 100, 10)),
                "idmap.overlap", "host " + kind + "s " + (tenant + 100) + "-" + (tenant + 109) + " are mapped twice"));
    }

    private static void limitChanges(List<UnsafeChange> cases) {
        cases.add(unsafe("no cgroupsPath", remove("/linux/cgroupsPath"), "limits.cgroup", "no cgroupsPath"));
        cases.add(unsafe("blank cgroupsPath", set("/linux/cgroupsPath", " "), "limits.cgroup", "no cgroupsPath"));
        cases.add(unsafe("no memory limit", remove("/linux/resources/memory/limit"), "limits.memory", "no memory limit"));
        cases.add(unsafe("unlimited memory", set("/linux/resources/memory/limit", -1), "limits.memory", "no memory limit"));
        cases.add(unsafe("unlimited swap", set("/linux/resources/memory/swap", -1), "limits.swap", "memory+swap is -1"));
        cases.add(unsafe("swap beyond memory", set("/linux/resources/memory/swap", 2 * 268_435_456L),
                "limits.swap", "memory+swap is 536870912, not the memory limit 268435456"));
        cases.add(unsafe("swap unset", remove("/linux/resources/memory/swap"), "limits.swap", "memory+swap is unset"));
        cases.add(unsafe("no CPU quota", remove("/linux/resources/cpu/quota"), "limits.cpu", "no CPU quota"));
        cases.add(unsafe("unlimited CPU quota", set("/linux/resources/cpu/quota", -1), "limits.cpu", "no CPU quota"));
        cases.add(unsafe("no CPU period", set("/linux/resources/cpu/period", 0), "limits.cpu", "no CPU quota"));
        cases.add(unsafe("no pids limit", remove("/linux/resources/pids"), "limits.pids", "no pids limit"));
        cases.add(unsafe("unlimited pids", set("/linux/resources/pids/limit", -1), "limits.pids", "no pids limit"));
        cases.add(unsafe("no rlimits", remove("/process/rlimits"), "limits.open-files", "no RLIMIT_NOFILE"));
        cases.add(unsafe("another rlimit in place of open files", set("/process/rlimits/0/type", "RLIMIT_NPROC"),
                "limits.open-files", "no RLIMIT_NOFILE"));
        cases.add(unsafe("open files hard limit infinite", set("/process/rlimits/0/hard", RLIM_INFINITY),
                "limits.open-files", "RLIMIT_NOFILE is not a positive limit"));
        cases.add(unsafe("open files soft limit 0", set("/process/rlimits/0/soft", 0),
                "limits.open-files", "RLIMIT_NOFILE is not a positive limit"));
    }

    private static void startGateChanges(List<UnsafeChange> cases) {
        String reason = "the last createContainer hook is not the start gate";
        cases.add(unsafe("no hooks", remove("/hooks"), "start-gate", reason));
        cases.add(unsafe("no createContainer hook", set("/hooks/createContainer", List.of()), "start-gate", reason));
        cases.add(unsafe("gate moved to poststart", spec -> {
            ObjectNode hooks = (ObjectNode) spec.get("hooks");
            hooks.set("poststart", hooks.remove("createContainer"));
        }, "start-gate", reason));
        cases.add(unsafe("the overlay root without the gate's FIFOs", spec -> {
            ArrayNode args = (ArrayNode) spec.at("/hooks/createContainer/0/args");
            args.remove(4);
            args.remove(3);
        }, "start-gate", reason));
        cases.add(unsafe("another program given the gate's arguments", set("/hooks/createContainer/0/path", "/bin/true"),
                "start-gate", reason));
        cases.add(unsafe("a hook after the gate", spec -> spec.withArray("/hooks/createContainer").addObject().put("path", "/bin/true"),
                "start-gate", reason));
    }

    private static UnsafeChange unsafe(String description, Consumer<ObjectNode> change, String rule, String reason) {
        return new UnsafeChange(description, SAFE, change, rule, reason);
    }

    private static Consumer<ObjectNode> set(String pointer, Object value) {
        JsonPointer path = JsonPointer.compile(pointer);
        return spec -> ((ObjectNode) spec.at(path.head())).set(path.last().getMatchingProperty(), MAPPER.valueToTree(value));
    }

    private static Consumer<ObjectNode> remove(String pointer) {
        JsonPointer path = JsonPointer.compile(pointer);
        return spec -> ((ObjectNode) spec.at(path.head())).remove(path.last().getMatchingProperty());
    }

    private static Consumer<ObjectNode> add(String arrayPointer, Object value) {
        return spec -> ((ArrayNode) spec.at(arrayPointer)).add(MAPPER.<JsonNode>valueToTree(value));
    }

    private static Consumer<ObjectNode> removeWhere(String arrayPointer, Predicate<JsonNode> condition) {
        return spec -> {
            Iterator<JsonNode> elements = spec.at(arrayPointer).elements();
            while (elements.hasNext()) {
                if (condition.test(elements.next())) {
                    elements.remove();
                }
            }
        };
    }

    private static Consumer<ObjectNode> mountOptionRemoved(String destination, Predicate<String> option) {
        return spec -> {
            for (JsonNode mount : spec.get("mounts")) {
                if (mount.get("destination").asText().equals(destination)) {
                    removeWhere("/options", node -> option.test(node.asText())).accept((ObjectNode) mount);
                }
            }
        };
    }

    private static Consumer<ObjectNode> addMount(String destination, String type, String... options) {
        return spec -> {
            ObjectNode mount = ((ArrayNode) spec.get("mounts")).addObject();
            mount.put("destination", destination).put("type", type).put("source", type);
            ArrayNode list = mount.putArray("options");
            List.of(options).forEach(list::add);
        };
    }

    private static Consumer<ObjectNode> joinHostNamespace(String type) {
        return spec -> spec.get("linux").get("namespaces").forEach(namespace -> {
            if (namespace.get("type").asText().equals(type)) {
                ((ObjectNode) namespace).put("path", "/proc/1/ns/" + type);
            }
        });
    }

    /** ID map lines from (containerID, hostID, size) triples. */
    private static ArrayNode idMap(long... triples) {
        ArrayNode lines = MAPPER.createArrayNode();
        for (int i = 0; i < triples.length; i += 3) {
            lines.addObject().put("containerID", triples[i]).put("hostID", triples[i + 1]).put("size", triples[i + 2]);
        }
        return lines;
    }
}
