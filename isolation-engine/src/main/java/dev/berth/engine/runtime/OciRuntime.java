package dev.berth.engine.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** An OCI runtime driven through its command line, always rootless and with cgroupfs. */
public interface OciRuntime {

    /** The runtime's name and version, for health checks and logs. */
    String describe() throws IOException;

    /** Whether the runtime loads a precompiled seccomp program (crun's {@code run.oci.seccomp_bpf_data}). */
    boolean acceptsPrecompiledSeccomp() throws IOException;

    /**
     * Creates and starts the container in the foreground: the returned process exits with the
     * container's status and its stdout and stderr are the container's. RLIMIT_NOFILE is at
     * {@code openFiles} in the container process by the time the start gate (a createContainer
     * hook) reads it: crun sets the spec's rlimits on itself before it creates the container; runc
     * applies them only after the createContainer hooks, so it is started with that limit already.
     * The container's stdin is the file {@code stdin} (/dev/null for none), read to its end.
     */
    Process run(String containerId, Path bundle, long openFiles, Path stdin) throws IOException;

    /** Sends a signal (e.g. {@code TERM}, {@code KILL}) to every process of the container. */
    void kill(String containerId, String signal) throws IOException;

    /** The IDs of every container the runtime keeps state for under this engine's state directory. */
    List<String> list() throws IOException;

    /** Removes whatever state the runtime still keeps for the container, killing it if needed. */
    void forceDelete(String containerId) throws IOException;
}
