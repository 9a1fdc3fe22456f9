package dev.berth.engine.runtime;

import dev.berth.engine.EngineException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * crun and runc share the command line this engine needs ({@code --root}, {@code run --bundle},
 * {@code kill}, {@code delete --force}); only the cgroup-manager flag differs, and cgroupfs is
 * the default of both when no systemd flag is given.
 */
public final class CliOciRuntime implements OciRuntime {

    private static final File DEV_NULL = new File("/dev/null");
    /** util-linux's prlimit, present wherever crun and runc are. */
    private static final String PRLIMIT = "/usr/bin/prlimit";
    private static final long COMMAND_TIMEOUT_SECONDS = 30;

    private final Path binary;
    private final Path stateDir;
    private volatile Boolean crun;

    public CliOciRuntime(Path binary, Path stateDir) {
        this.binary = binary;
        this.stateDir = stateDir;
    }

    @Override
    public String describe() throws IOException {
        return execute(List.of(binary.toString(), "--version")).lines().findFirst().orElse(binary.toString());
    }

    @Override
    public boolean acceptsPrecompiledSeccomp() throws IOException {
        return isCrun();
    }

    /**
     * crun gets RLIMIT_NOFILE from the spec's process.rlimits, which it sets on itself before it
     * creates the container; runc sets them only after the createContainer hooks, where the start
     * gate reads the limit, so runc starts under prlimit (an exec more, about 1.5 ms a start).
     */
    @Override
    public Process run(String containerId, Path bundle, long openFiles, Path stdin) throws IOException {
        List<String> command = new ArrayList<>();
        if (!isCrun()) {
            command.addAll(List.of(PRLIMIT, "--nofile=" + openFiles + ":" + openFiles, "--"));
        }
        command.addAll(command(List.of("run", "--bundle", bundle.toString(), containerId)));
        return new ProcessBuilder(command).redirectInput(stdin.toFile()).start();
    }

    /** Asked of the binary once: its version line names it. */
    private boolean isCrun() throws IOException {
        if (crun == null) {
            crun = describe().startsWith("crun ");
        }
        return crun;
    }

    @Override
    public void kill(String containerId, String signal) throws IOException {
        execute(command(List.of("kill", containerId, signal)));
    }

    @Override
    public List<String> list() throws IOException {
        return execute(command(List.of("list", "--quiet"))).lines().map(String::strip).filter(id -> !id.isEmpty()).toList();
    }

    @Override
    public void forceDelete(String containerId) throws IOException {
        execute(command(List.of("delete", "--force", containerId)));
    }

    private List<String> command(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--root", stateDir.toString()));
        command.addAll(arguments);
        return command;
    }

    private String execute(List<String> command) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(DEV_NULL).start();
        } catch (IOException e) {
            throw new EngineException(binary + " cannot be started (" + e.getMessage() + "): run ./berth up once as root to install it", e);
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed with status " + process.exitValue() + ": " + output.strip());
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
