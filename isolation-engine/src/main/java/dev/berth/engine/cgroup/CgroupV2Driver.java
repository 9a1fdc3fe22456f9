package dev.berth.engine.cgroup;

import dev.berth.policy.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** cgroup v2: one unified hierarchy; host setup enables the controllers on the delegated parent. */
final class CgroupV2Driver implements CgroupDriver {

    private final Path root;
    private final String parent;

    CgroupV2Driver(Path root, String parent) {
        this.root = root;
        this.parent = parent;
    }

    @Override
    public String version() {
        return "v2";
    }

    @Override
    public List<Path> delegatedDirs() {
        return List.of(root.resolve(parent.substring(1)));
    }

    @Override
    public JobCgroup create(String name, Limits limits) {
        String path = parent + "/" + name;
        Path dir = root.resolve(path.substring(1));
        CgroupFiles.mkdir(dir);
        V2JobCgroup cgroup = new V2JobCgroup(path, dir);
        try {
            CgroupFiles.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
            CgroupFiles.write(dir.resolve("memory.swap.max"), "0");
            CgroupFiles.write(dir.resolve("pids.max"), Integer.toString(limits.pids()));
            CgroupFiles.write(dir.resolve("cpu.max"), cpuMax(limits));
            return cgroup;
        } catch (RuntimeException e) {
            cgroup.close();
            throw e;
        }
    }

    @Override
    public void removeLeftover(String name) {
        String path = parent + "/" + name;
        Path dir = root.resolve(path.substring(1));
        if (Files.isDirectory(dir)) {
            new V2JobCgroup(path, dir).close();
        }
    }

    private static String cpuMax(Limits limits) {
        return limits.cpuQuotaMicros() + " " + Limits.CPU_PERIOD_MICROS;
    }

    private static final class V2JobCgroup implements JobCgroup {

        private final String path;
        private final Path dir;

        V2JobCgroup(String path, Path dir) {
            this.path = path;
            this.dir = dir;
        }

        @Override
        public String runtimePath() {
            return path + "/ctr";
        }

        @Override
        public List<String> verify(long pid, Limits limits) {
            List<String> problems = new ArrayList<>();
            try {
                String actual = ProcCgroups.of(pid).get("");
                if (actual == null || !actual.startsWith(path + "/")) {
                    problems.add("process is in cgroup " + actual + ", expected below " + path);
                }
            } catch (IOException e) {
                return List.of("cannot read /proc/" + pid + "/cgroup: " + e.getMessage());
            }
            expect(problems, "memory.max", Long.toString(limits.memoryBytes()));
            expect(problems, "memory.swap.max", "0");
            expect(problems, "pids.max", Integer.toString(limits.pids()));
            expect(problems, "cpu.max", cpuMax(limits));
            return problems;
        }

        private void expect(List<String> problems, String file, String expected) {
            CgroupFiles.expect(problems, dir.resolve(file), expected);
        }


        @Override
        public CgroupUsage usage() {
            return new CgroupUsage(
                    CgroupFiles.readKey(dir.resolve("cpu.stat"), "usage_usec") * 1000,
                    CgroupFiles.readLong(dir.resolve("memory.peak")),
                    CgroupFiles.readKey(dir.resolve("memory.events"), "oom_kill"),
                    CgroupFiles.readKey(dir.resolve("memory.events"), "max") > 0);
        }

        @Override
        public void close() {
            if (Files.exists(dir.resolve("cgroup.kill"))) {
                CgroupFiles.write(dir.resolve("cgroup.kill"), "1");
            }
            CgroupFiles.removeTree(dir);
        }
    }
}
