package dev.berth.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.engine.cgroup.CgroupDriver;
import dev.berth.engine.network.EgressSettings;
import dev.berth.engine.runtime.OciRuntime;
import dev.berth.engine.seccomp.SeccompLoading;
import dev.berth.engine.spec.OciSpecBuilder;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/** What every job execution shares with the engine that started it. */
record EngineServices(
        EngineConfig config,
        OciRuntime runtime,
        CgroupDriver cgroups,
        OciSpecBuilder specs,
        SeccompLoading seccomp,
        Path overlayRoot,
        Path collector,
        FifoPool fifos,
        EgressSettings egress,
        ObjectMapper mapper,
        ExecutorService threads,
        ScheduledExecutorService timers) {
}
