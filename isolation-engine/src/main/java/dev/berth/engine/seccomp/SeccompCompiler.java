package dev.berth.engine.seccomp;

import dev.berth.engine.EngineException;
import dev.berth.engine.NativeTools;
import dev.berth.policy.seccomp.SeccompProfile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Compiles seccomp profiles to BPF once per profile digest. crun would otherwise compile the JSON
 * form of the same profile with libseccomp on every container start (~20 ms each); the compiler
 * here is a small static program built from src/main/c with that same libseccomp.
 */
public final class SeccompCompiler {

    static final String TOOL = "berth-seccomp-bpf";
    private static final long TIMEOUT_SECONDS = 30;

    private final Path tool;
    private final Map<String, byte[]> programs = new ConcurrentHashMap<>();

    private SeccompCompiler(Path tool) {
        this.tool = tool;
    }

    /** Installs the compiler, shipped inside this jar, as an executable under {@code binDir}. */
    public static SeccompCompiler install(Path binDir) throws IOException {
        return new SeccompCompiler(NativeTools.install(SeccompCompiler.class, TOOL, binDir));
    }

    /** The raw BPF program for the profile, as the kernel's seccomp(SECCOMP_SET_MODE_FILTER) takes it. */
    public byte[] compile(SeccompProfile profile) {
        return programs.computeIfAbsent(profile.digest(), digest -> run(profile));
    }

    private byte[] run(SeccompProfile profile) {
        try {
            Process process = new ProcessBuilder(tool.toString()).redirectError(ProcessBuilder.Redirect.PIPE).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(SeccompDirectives.render(profile).getBytes(StandardCharsets.UTF_8));
            }
            byte[] program = process.getInputStream().readAllBytes();
            String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0 || program.length == 0) {
                process.destroyForcibly();
                throw new EngineException("cannot compile seccomp profile " + profile.reference() + ": " + errors);
            }
            return program;
        } catch (IOException e) {
            throw new EngineException("cannot run " + tool + " to compile seccomp profile " + profile.reference() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while compiling seccomp profile " + profile.reference(), e);
        }
    }
}
