package dev.berth.policy;

import static dev.berth.policy.Requests.acme;
import static dev.berth.policy.Requests.job;
import static dev.berth.policy.Requests.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The message a tenant sees for each syntax rule. */
class RequestSyntaxTest {

    private static JobRequest with(List<String> command, Map<String, String> env, String workingDir, Integer user,
                                   Map<String, String> labels) {
        return new JobRequest("busybox", command, env, workingDir, user, null, null, null, null, labels, null);
    }

    @Test
    void image() {
        assertThat(refusal(job().image(null).build(), acme()))
                .isEqualTo(new Violation("image.required", "image", "name the image to run, for example \"busybox\""));
        assertThat(refusal(job().image("Busybox").build(), acme()))
                .isEqualTo(new Violation("image.reference", "image",
                        "not an OCI image reference: use name[:tag] or name@sha256:<64 hex digits>"));
    }

    @Test
    void command() {
        assertThat(refusal(with(null, null, null, null, null), acme())).isEqualTo(new Violation("command.required", "command",
                "give the program to run and its arguments as a non-empty array"));
        assertThat(refusal(with(Collections.nCopies(257, "x"), null, null, null, null), acme())).isEqualTo(new Violation(
                "command.size", "command", "at most 256 arguments are allowed, got 257"));
        assertThat(refusal(with(List.of("echo", "x".repeat(8193)), null, null, null, null), acme())).isEqualTo(new Violation(
                "command.size", "command[1]", "an argument may hold at most 8192 bytes"));
        assertThat(refusal(with(List.of("echo", "a\0"), null, null, null, null), acme()))
                .isEqualTo(new Violation("text.nul", "command[1]", "NUL characters are not allowed"));
    }

    @Test
    void env() {
        assertThat(refusal(with(List.of("true"), Map.of("A-B", "x"), null, null, null), acme()))
                .isEqualTo(new Violation("env.name", "env.A-B", "variable names must match [A-Za-z_][A-Za-z0-9_]*"));
        assertThat(refusal(with(List.of("true"), Map.of("A", "x\0"), null, null, null), acme()))
                .isEqualTo(new Violation("text.nul", "env.A", "NUL characters are not allowed"));
    }

    @Test
    void workingDir() {
        assertThat(refusal(with(List.of("true"), null, "/sys/fs", null, null), acme()))
                .isEqualTo(new Violation("workingDir.forbidden", "workingDir", "a working directory under /sys is not allowed"));
        assertThat(refusal(with(List.of("true"), null, "work", null, null), acme()))
                .isEqualTo(new Violation("workingDir.path", "workingDir", "use an absolute, canonical path without '.', '..' or repeated '/'"));
    }

    @Test
    void user() {
        assertThat(refusal(with(List.of("true"), null, null, 0, null), acme())).isEqualTo(new Violation("user.non-root", "user",
                "jobs never run as root inside the container: pick a uid from 1 to 65535"));
        assertThat(refusal(with(List.of("true"), null, null, -1, null), acme()))
                .isEqualTo(new Violation("user.range", "user", "the uid must be between 1 and 65535"));
    }

    @Test
    void labels() {
        assertThat(refusal(with(List.of("true"), null, null, null, Map.of("team", "-x")), acme()))
                .isEqualTo(new Violation("labels.value", "labels.team",
                        "values are empty or up to 63 characters [A-Za-z0-9-_.], starting and ending alphanumeric"));
        assertThat(refusal(with(List.of("true"), null, null, null, Map.of("Bad.Prefix/name", "x")), acme()).rule())
                .isEqualTo("labels.key");
    }
}
