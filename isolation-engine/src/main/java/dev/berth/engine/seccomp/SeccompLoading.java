package dev.berth.engine.seccomp;

import dev.berth.policy.seccomp.SeccompProfile;
import java.util.Base64;
import java.util.Optional;

/**
 * How a profile reaches the runtime: crun takes the precompiled program through its
 * {@code run.oci.seccomp_bpf_data} annotation; runtimes without it (runc) get the JSON profile
 * and compile it themselves.
 */
public final class SeccompLoading {

    private final SeccompCompiler compiler;
    private final boolean precompiled;

    public SeccompLoading(SeccompCompiler compiler, boolean runtimeAcceptsPrecompiled) {
        this.compiler = compiler;
        this.precompiled = runtimeAcceptsPrecompiled;
    }

    /** The base64 BPF program for the annotation, or empty when the runtime needs the JSON form. */
    public Optional<String> precompiled(SeccompProfile profile) {
        return precompiled ? Optional.of(Base64.getEncoder().encodeToString(compiler.compile(profile))) : Optional.empty();
    }
}
