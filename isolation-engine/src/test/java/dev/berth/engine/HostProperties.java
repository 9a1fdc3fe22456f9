package dev.berth.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Facts about the host the engine tests run on, established on the host itself: as the test
 * JVM's user, outside any container, with no Berth code in the way. Machines of one kind differ
 * (an i386 entry that faults, a kernel built without /proc/kcore or kexec, cgroup v1 or v2), so a
 * test first learns what the host does without Berth and then asserts the strongest thing Berth
 * must add to it. Facts that take a process to establish are established once per test JVM.
 */
final class HostProperties {

    /**
     * The only probe checks ever run on the host: each asks for getpid and changes nothing. The
     * others write kernel knobs, mount, reboot or swap; run by root outside a container they would
     * change the host they are meant to observe.
     */
    private static final Set<String> HARMLESS_ON_HOST = Set.of("i386_syscall", "x32_syscall");
    private static final Map<String, EscapeProbe.Verdict> PROBED = new ConcurrentHashMap<>();
    private static List<String> freshInterfaces;

    private HostProperties() {
    }

    /**
     * getpid through the i386 entry ({@code int $0x80}) with no seccomp filter: ALLOWED where the
     * entry works, KILLED with the host's signal (SIGSEGV, 11) where it faults before any system
     * call is made, as on hosts that run 64-bit user code only.
     */
    static EscapeProbe.Verdict i386Entry() {
        return probed("i386_syscall");
    }

    /** getpid with the x32 bit set, with no seccomp filter: ALLOWED where the kernel has the x32 ABI, DENIED ENOSYS where not. */
    static EscapeProbe.Verdict x32Entry() {
        return probed("x32_syscall");
    }

    /** Whether the host's kernel provides this path; which /proc and /sys entries exist depends on how the kernel was built. */
    static boolean has(String path) {
        return Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS);
    }

    /** {@code v2} where a cgroup2 file system is mounted at /sys/fs/cgroup, {@code v1} where v1 or hybrid layouts put anything else there. */
    static String cgroupVersion() {
        try {
            List<String> types = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(line -> line.split(" "))
                    .filter(fields -> fields[4].equals("/sys/fs/cgroup"))
                    .map(fields -> fields[List.of(fields).indexOf("-") + 1])
                    .toList();
            if (types.isEmpty()) {
                throw new IllegalStateException("nothing is mounted at /sys/fs/cgroup on this host: mount cgroup2 there, or the v1 hierarchies");
            }
            return types.getLast().equals("cgroup2") ? "v2" : "v1";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
    }

    /**
     * The interfaces a new network namespace gets on this host, made with util-linux unshare in a
     * user namespace of the test JVM's user: loopback, plus the fallback tunnels (sit0, tunl0,
     * ...) of tunnel drivers built into the host's kernel.
     */
    static synchronized List<String> freshNetworkNamespaceInterfaces() {
        if (freshInterfaces == null) {
            freshInterfaces = interfaceNames(run(List.of("unshare", "--user", "--net", "cat", "/proc/net/dev"), "a fresh network namespace"));
        }
        return freshInterfaces;
    }

    /** The interface names of a /proc/net/dev listing. */
    static List<String> interfaceNames(String procNetDev) {
        return procNetDev.lines().skip(2).map(line -> line.substring(0, line.indexOf(':')).strip()).toList();
    }

    private static EscapeProbe.Verdict probed(String check) {
        if (!HARMLESS_ON_HOST.contains(check)) {
            throw new IllegalArgumentException(check + " changes the host when it succeeds; only " + HARMLESS_ON_HOST + " run on the host");
        }
        return PROBED.computeIfAbsent(check, HostProperties::runOnHost);
    }

    private static EscapeProbe.Verdict runOnHost(String check) {
        String output = run(List.of(TestImages.probeBinary().toString(), check), "the escape probe's " + check);
        return EscapeProbe.parse(output, List.of(check)).get(check);
    }

    /** Runs a command on the host as this JVM's user and returns its output; anything but exit 0 fails with that output. */
    private static String run(List<String> command, String what) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(what + " failed on the host (" + String.join(" ", command) + "): " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + what + " on the host (" + String.join(" ", command) + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what + " ran on the host", e);
        }
    }
}
