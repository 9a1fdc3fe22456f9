package dev.berth.policy.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The restricted profile as written in the repository: default-deny, justified, and without the calls invariant 4 forbids. */
class SeccompProfilesTest {

    private final SeccompProfile profile = SeccompProfiles.restricted();

    @Test
    void isDefaultDenyForOneArchitectureWithADigestOfItsText() {
        assertThat(profile.defaultAction()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(profile.defaultErrnoRet()).isEqualTo(1);
        assertThat(profile.architectures()).containsExactly("SCMP_ARCH_X86_64");
        assertThat(profile.digest()).matches("sha256:[0-9a-f]{64}");
        assertThat(profile.reference()).isEqualTo("berth-restricted@" + profile.digest());
    }

    @Test
    void everyGroupSaysWhyItIsAllowed() {
        Set<String> justified = profile.syscalls().stream().filter(rule -> rule.why() != null && rule.why().length() > 20)
                .map(SeccompProfile.SyscallRule::group).collect(Collectors.toSet());
        assertThat(profile.syscalls()).extracting(SeccompProfile.SyscallRule::group).allMatch(justified::contains);
    }

    @Test
    void allowsNoneOfTheCallsInvariantFourForbids() {
        Set<String> allowed = profile.syscalls().stream().filter(rule -> rule.action().equals("SCMP_ACT_ALLOW"))
                .flatMap(rule -> rule.names().stream()).collect(Collectors.toSet());
        assertThat(allowed).doesNotContainAnyElementsOf(List.of("keyctl", "add_key", "request_key", "bpf", "userfaultfd",
                "perf_event_open", "io_uring_setup", "io_uring_enter", "io_uring_register", "unshare", "setns", "mount",
                "umount2", "fsopen", "fsmount", "fsconfig", "fspick", "move_mount", "open_tree", "ptrace",
                "process_vm_readv", "process_vm_writev", "kexec_load", "kexec_file_load", "init_module", "finit_module",
                "delete_module", "open_by_handle_at", "reboot", "swapon", "swapoff", "pivot_root", "chroot", "clone3"));
    }

    @Test
    void cloneIsAllowedOnlyWithoutNamespaceFlagsAndClone3AnswersEnosys() {
        assertThat(profile.syscalls()).filteredOn(rule -> rule.names().contains("clone")).singleElement().satisfies(rule ->
                assertThat(rule.args()).containsExactly(new SeccompProfile.ArgCondition(0, 0x7E020000L, 0, "SCMP_CMP_MASKED_EQ")));
        assertThat(profile.syscalls()).filteredOn(rule -> rule.names().contains("clone3")).singleElement().satisfies(rule -> {
            assertThat(rule.action()).isEqualTo("SCMP_ACT_ERRNO");
            assertThat(rule.errnoRet()).isEqualTo(38);
        });
    }

    @Test
    void socketsAreAllowedOnlyForUnixAndInetFamiliesWithoutRawTypes() {
        List<SeccompProfile.SyscallRule> socketRules = profile.syscalls().stream().filter(rule -> rule.names().contains("socket")).toList();
        assertThat(socketRules).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.names()).containsExactly("socket");
            assertThat(rule.args()).hasSize(2);
            assertThat(rule.args().get(0).value()).isIn(1L, 2L, 10L);
            assertThat(rule.args().get(1).valueTwo()).as("SOCK_RAW (3) and SOCK_PACKET (10) never").isIn(1L, 2L, 5L);
        });
    }
}
