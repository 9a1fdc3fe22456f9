package dev.berth.engine.spec;

import dev.berth.engine.image.ResolvedImage;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.seccomp.SeccompProfile;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything a spec generator may read: the plan, the resolved image, the cgroup the engine made
 * for the job, the start gate (the hook that holds the container until the engine has checked
 * it), the plan's seccomp profile with its program when it was compiled ahead for the runtime,
 * and the installed {@link OverlayRoot} program that mounts the image as the job's root.
 */
public record BundleContext(ExecutionPlan plan, ResolvedImage image, String cgroupsPath, StartGate gate,
                            SeccompProfile seccomp, Optional<String> precompiledSeccomp, Path overlayRoot) {

    /** FIFOs inside the private bundle directory through which the engine and the gate hook talk. */
    public record StartGate(Path bundleDir, Path stateFifo, Path verdictFifo) {
    }
}
