package dev.berth.api.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.JobRequest;
import dev.berth.policy.Violation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Docker create bodies as the CLI sends them, translated into job requests or refused with rule IDs. */
class ContainerTranslationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What `docker run --rm busybox echo hi` sends, byte for byte: Debian's 20.10 client (API 1.41). */
    private static final String RUN_1_41 = """
            {"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":["echo","hi"],"Image":"busybox","Volumes":{},"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{},"HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":true,"VolumeDriver":"","VolumesFrom":null,"CapAdd":null,"CapDrop":null,"CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,"ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":0,"ConsoleSize":[0,0],"Isolation":"","CpuShares":0,"Memory":0,"NanoCpus":0,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":null,"BlkioDeviceWriteBps":null,"BlkioDeviceReadIOps":null,"BlkioDeviceWriteIOps":null,"CpuPeriod":0,"CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"KernelMemory":0,"KernelMemoryTCP":0,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":-1,"OomKillDisable":false,"PidsLimit":0,"Ulimits":null,"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,"MaskedPaths":null,"ReadonlyPaths":null},"NetworkingConfig":{"EndpointsConfig":{}}}""";
    /** The same from a docker 28 client (API 1.44). */
    private static final String RUN_1_44 = """
            {"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":["echo","hi"],"Image":"busybox","Volumes":{},"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{},"HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":true,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[0,0],"CapAdd":null,"CapDrop":null,"CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,"ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":0,"Isolation":"","CpuShares":0,"Memory":0,"NanoCpus":0,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],"BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,"CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":-1,"OomKillDisable":false,"PidsLimit":0,"Ulimits":[],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,"MaskedPaths":null,"ReadonlyPaths":null},"NetworkingConfig":{"EndpointsConfig":{"default":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"","DriverOpts":null,"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}}}""";

    private static ObjectNode plainRun() throws Exception {
        return (ObjectNode) JSON.readTree(RUN_1_41);
    }

    private static List<String> rules(ObjectNode body) {
        return ContainerTranslation.translate(body).violations().stream().map(Violation::rule).toList();
    }

    @Test
    void aPlainRunBecomesTheSameJobAsTheRestApiWouldRun() throws Exception {
        ContainerTranslation.Result result = ContainerTranslation.translate(plainRun());
        assertThat(result.violations()).isEmpty();
        JobRequest request = result.container().request();
        assertThat(request.image()).isEqualTo("busybox");
        assertThat(request.command()).containsExactly("echo", "hi");
        assertThat(request.network()).as("Docker's default bridge becomes Berth's default, none").isNull();
        assertThat(request.capabilities()).isNull();
        assertThat(request.user()).isNull();
        assertThat(result.container().autoRemove()).isTrue();
    }

    @Test
    void theCurrentClientsBodyIsTheSameJob() throws Exception {
        ContainerTranslation.Result result = ContainerTranslation.translate(JSON.readTree(RUN_1_44));
        assertThat(result.violations()).isEmpty();
        assertThat(result.container().request()).isEqualTo(ContainerTranslation.translate(plainRun()).container().request());
    }

    @Test
    void resourcesEnvUserAndWorkingDirMapToTheRequest() throws Exception {
        ObjectNode body = plainRun();
        body.put("User", "1234").put("WorkingDir", "/work").set("Env", JSON.valueToTree(List.of("A=1", "B=x=y")));
        body.set("Entrypoint", JSON.valueToTree(List.of("sh", "-c")));
        body.set("Cmd", JSON.valueToTree(List.of("exit 3")));
        ((ObjectNode) body.get("HostConfig")).put("Memory", 64L * 1024 * 1024 + 1).put("NanoCpus", 1_500_000_000L).put("PidsLimit", 50)
                .put("NetworkMode", "egress").set("CapDrop", JSON.valueToTree(List.of("ALL")));
        JobRequest request = ContainerTranslation.translate(body).container().request();
        assertThat(request.user()).isEqualTo(1234);
        assertThat(request.workingDir()).isEqualTo("/work");
        assertThat(request.env()).isEqualTo(Map.of("A", "1", "B", "x=y"));
        assertThat(request.command()).containsExactly("sh", "-c", "exit 3");
        assertThat(request.resources().memoryMiB()).as("rounded up, never below what was asked").isEqualTo(65);
        assertThat(request.resources().cpuMillis()).isEqualTo(1500);
        assertThat(request.resources().pids()).isEqualTo(50);
        assertThat(request.network()).isEqualTo("egress");
    }

    @Test
    void capabilitiesUidZeroAndHostNetworkGoToAdmissionWhichRefusesThem() throws Exception {
        ObjectNode body = plainRun();
        body.put("User", "0:0");
        ((ObjectNode) body.get("HostConfig")).put("NetworkMode", "host").set("CapAdd", JSON.valueToTree(List.of("CAP_SYS_ADMIN")));
        JobRequest request = ContainerTranslation.translate(body).container().request();
        assertThat(request.user()).isZero();
        assertThat(request.capabilities()).containsExactly("SYS_ADMIN");
        assertThat(request.network()).isEqualTo("host");
    }

    @Test
    void hostAccessIsRefusedWithItsRule() throws Exception {
        Map<String, Object> options = Map.of(
                "Privileged", true,
                "Binds", List.of("/:/host"),
                "Mounts", List.of(Map.of("Type", "bind", "Source", "/etc", "Target", "/etc")),
                "PidMode", "host",
                "IpcMode", "host",
                "UsernsMode", "host",
                "Devices", List.of(Map.of("PathOnHost", "/dev/kvm", "PathInContainer", "/dev/kvm", "CgroupPermissions", "rwm")),
                "SecurityOpt", List.of("seccomp=unconfined", "apparmor=unconfined"));
        Map<String, String> expected = Map.of("Privileged", "docker.privileged", "Binds", "docker.mount", "Mounts", "docker.mount",
                "PidMode", "docker.namespace", "IpcMode", "docker.namespace", "UsernsMode", "docker.namespace",
                "Devices", "docker.device", "SecurityOpt", "docker.security-opt");
        for (Map.Entry<String, Object> option : options.entrySet()) {
            ObjectNode body = plainRun();
            ((ObjectNode) body.get("HostConfig")).set(option.getKey(), JSON.valueToTree(option.getValue()));
            ContainerTranslation.Result result = ContainerTranslation.translate(body);
            assertThat(result.container()).as(option.getKey()).isNull();
            assertThat(result.violations()).as(option.getKey()).extracting(Violation::rule).contains(expected.get(option.getKey()));
            assertThat(result.violations()).allSatisfy(violation -> assertThat(violation.message()).isNotBlank());
        }
    }

    @Test
    void systemPathsUnconfinedIsRefusedAlthoughTheCliSendsItAsEmptyLists() throws Exception {
        ObjectNode body = plainRun();
        ((ObjectNode) body.get("HostConfig")).set("MaskedPaths", JSON.createArrayNode());
        assertThat(rules(body)).containsExactly("docker.security-opt");
    }

    @Test
    void noNewPrivilegesIsAcceptedBecauseEveryJobHasIt() throws Exception {
        ObjectNode body = plainRun();
        ((ObjectNode) body.get("HostConfig")).set("SecurityOpt", JSON.valueToTree(List.of("no-new-privileges", "no-new-privileges:true")));
        assertThat(rules(body)).isEmpty();
    }

    @Test
    void anOptionBerthDoesNotKnowIsRefusedRatherThanIgnored() throws Exception {
        ObjectNode body = plainRun();
        ((ObjectNode) body.get("HostConfig")).put("OomKillDisable", true).set("Sysctls", JSON.valueToTree(Map.of("net.ipv4.ip_forward", "1")));
        body.put("SomethingNew", "value");
        ContainerTranslation.Result result = ContainerTranslation.translate(body);
        assertThat(result.violations()).extracting(Violation::field)
                .containsExactlyInAnyOrder("HostConfig.OomKillDisable", "HostConfig.Sysctls", "SomethingNew");
        assertThat(result.violations()).extracting(Violation::rule).containsOnly("docker.unsupported");
    }

    @Test
    void terminalsStdinRestartPoliciesNamedUsersAndValuelessVariablesAreRefused() throws Exception {
        ObjectNode body = plainRun();
        body.put("Tty", true).put("OpenStdin", true).put("User", "nobody").set("Env", JSON.valueToTree(List.of("JUST_A_NAME")));
        ((ObjectNode) body.get("HostConfig")).set("RestartPolicy", JSON.valueToTree(Map.of("Name", "always")));
        assertThat(rules(body)).containsExactlyInAnyOrder("docker.tty", "docker.stdin", "docker.user", "docker.env", "docker.restart");
    }
}
