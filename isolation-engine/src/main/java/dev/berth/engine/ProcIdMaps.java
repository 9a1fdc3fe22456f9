package dev.berth.engine;

import dev.berth.policy.IdMapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the ID maps the kernel actually applied to a process. */
final class ProcIdMaps {

    private ProcIdMaps() {
    }

    static List<IdMapping> uidMap(long pid) throws IOException {
        return parse(Path.of("/proc", Long.toString(pid), "uid_map"));
    }

    static List<IdMapping> gidMap(long pid) throws IOException {
        return parse(Path.of("/proc", Long.toString(pid), "gid_map"));
    }

    private static List<IdMapping> parse(Path file) throws IOException {
        return Files.readAllLines(file).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .map(line -> line.split("\\s+"))
                .map(f -> new IdMapping(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])))
                .toList();
    }
}
