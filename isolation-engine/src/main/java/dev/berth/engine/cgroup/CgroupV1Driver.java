package dev.berth.engine.cgroup;

import dev.berth.engine.EngineException;
import dev.berth.policy.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** cgroup v1 (and hybrid hosts): one hierarchy per controller, each delegated to the service user. */
final class CgroupV1Driver implements CgroupDriver {

    private static final List<String> LIMITED = List.of("memory", "cpu", "cpuacct", "pids");

    private final CgroupV1Mounts mounts;
    private final String parent;

    CgroupV1Driver(CgroupV1Mounts mounts, String parent) {
        this.mounts = mounts;
        this.parent = parent;
    }

    @Override
    public String version() {
        return "v1";
    }

    @Override
    public List<Path> delegatedDirs() {
        return mounts.hierarchies().stream().map(hierarchy -> hierarchy.resolve(parent.substring(1))).sorted().toList();
    }

    @Override
    public JobCgroup create(String name, Limits limits) {
        String path = parent + "/" + name;
        V1JobCgroup cgroup = new V1JobCgroup(path);
        try {
            for (String controller : LIMITED) {
                CgroupFiles.mkdir(cgroup.dir(controller));
            }
            Path memory = cgroup.dir("memory");
            CgroupFiles.write(memory.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
            if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) {
                CgroupFiles.write(memory.resolve("memory.memsw.limit_in_bytes"), Long.toString(limits.memoryBytes()));
            }
            Path cpu = cgroup.dir("cpu");
            CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(Limits.CPU_PERIOD_MICROS));
            CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuotaMicros()));
            CgroupFiles.write(cgroup.dir("pids").resolve("pids.max"), Integer.toString(limits.pids()));
            return cgroup;
        } catch (RuntimeException e) {
            cgroup.close();
            throw e;
        }
    }

    @Override
    public void removeLeftover(String name) {
        new V1JobCgroup(parent + "/" + name).close();
    }

    private final class V1JobCgroup implements JobCgroup {

        private final String path;

        V1JobCgroup(String path) {
            this.path = path;
        }

        Path dir(String controller) {
            return mounts.mountOf(controller).resolve(path.substring(1));
        }

        @Override
        public String runtimePath() {
            return path + "/ctr";
        }

        @Override
        public List<String> verify(long pid, Limits limits) {
            List<String> problems = new ArrayList<>();
            Map<String, String> placement;
            try {
                placement = ProcCgroups.of(pid);
            } catch (IOException e) {
                return List.of("cannot read /proc/" + pid + "/cgroup: " + e.getMessage());
            }
            for (String controller : LIMITED) {
                String actual = placement.get(controller);
                if (actual == null || !(actual.equals(path) || actual.startsWith(path + "/"))) {
                    problems.add(controller + " cgroup is " + actual + ", expected below " + path);
                }
            }
            Path memory = dir("memory");
            CgroupFiles.expect(problems, memory.resolve("memory.limit_in_bytes"), String.valueOf(limits.memoryBytes()));
            if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) {
                CgroupFiles.expect(problems, memory.resolve("memory.memsw.limit_in_bytes"), String.valueOf(limits.memoryBytes()));
            } else if (hostHasSwap()) {
                problems.add("swap accounting is off (no memory.memsw.limit_in_bytes) while the host has swap: "
                        + "boot with swapaccount=1 or turn swap off");
            }
            CgroupFiles.expect(problems, dir("cpu").resolve("cpu.cfs_quota_us"), String.valueOf(limits.cpuQuotaMicros()));
            CgroupFiles.expect(problems, dir("cpu").resolve("cpu.cfs_period_us"), String.valueOf(Limits.CPU_PERIOD_MICROS));
            CgroupFiles.expect(problems, dir("pids").resolve("pids.max"), String.valueOf(limits.pids()));
            return problems;
        }


        @Override
        public CgroupUsage usage() {
            Path memory = dir("memory");
            return new CgroupUsage(
                    CgroupFiles.readLong(dir("cpuacct").resolve("cpuacct.usage")),
                    CgroupFiles.readLong(memory.resolve("memory.max_usage_in_bytes")),
                    CgroupFiles.readKey(memory.resolve("memory.oom_control"), "oom_kill"),
                    CgroupFiles.readLong(memory.resolve("memory.max_usage_in_bytes"))
                            >= CgroupFiles.readLong(memory.resolve("memory.limit_in_bytes")));
        }

        @Override
        public void close() {
            for (Path hierarchy : mounts.hierarchies()) {
                Path dir = hierarchy.resolve(path.substring(1));
                killAll(dir);
                CgroupFiles.removeTree(dir);
            }
        }

        private void killAll(Path dir) {
            if (!Files.isDirectory(dir)) {
                return;
            }
            try (var tree = Files.walk(dir)) {
                tree.filter(p -> p.getFileName().toString().equals("cgroup.procs"))
                        .flatMap(procs -> CgroupFiles.read(procs).stream())
                        .flatMap(String::lines)
                        .filter(line -> !line.isBlank())
                        .forEach(pid -> ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly));
            } catch (NoSuchFileException gone) {
                // Removed between the check and the walk, by the runtime's own clean-up: nothing is left in it.
            } catch (UncheckedIOException e) {
                if (!CgroupFiles.vanished(e)) {
                    throw new EngineException("cannot list processes left in " + dir + ": " + e.getMessage(), e);
                }
            } catch (IOException e) {
                throw new EngineException("cannot list processes left in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private static boolean hostHasSwap() {
        return CgroupFiles.read(Path.of("/proc/swaps")).map(text -> text.lines().count() > 1).orElse(false);
    }
}
