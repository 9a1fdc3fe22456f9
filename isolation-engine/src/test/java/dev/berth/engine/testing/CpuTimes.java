package dev.berth.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time used so far by the whole machine and by chosen processes (with their children, living
 * and reaped), read from /proc, for benchmarks that say where the CPU of a run went. In
 * milliseconds of one core.
 */
public final class CpuTimes {

    private static final double MILLIS_PER_TICK = 1000.0 / ticksPerSecond();

    private CpuTimes() {
    }

    /** Busy time of all cores since boot: user, nice, system, irq, softirq and steal from the first line of /proc/stat. */
    public static double machineBusyMillis() {
        String[] fields = read(Path.of("/proc/stat")).lines().findFirst().orElseThrow().trim().split("\\s+");
        long busy = 0;
        for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
            busy += Long.parseLong(fields[field]);
        }
        return busy * MILLIS_PER_TICK;
    }

    /** The process's own time (all its threads), without its children's. */
    public static double processMillis(long pid) {
        long[] stat = stat(pid);
        return stat == null ? 0 : (stat[0] + stat[1]) * MILLIS_PER_TICK;
    }

    /**
     * The process's own time, its reaped children's, and that of its living children and their
     * descendants (e.g. PostgreSQL's backends under the postmaster).
     */
    public static double processTreeMillis(long pid) {
        long[] stat = stat(pid);
        if (stat == null) {
            return 0;
        }
        double millis = (stat[0] + stat[1] + stat[2] + stat[3]) * MILLIS_PER_TICK;
        for (long child : children(pid)) {
            millis += processTreeMillis(child);
        }
        return millis;
    }

    /** utime, stime, cutime, cstime and ppid of the process; null once it has gone. */
    private static long[] stat(long pid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return null;
        }
        // The command name may hold spaces and parentheses; the fields after its last ')' do not.
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
            Long.parseLong(fields[14]), Long.parseLong(fields[1])};
    }

    private static List<Long> children(long pid) {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.map(entry -> entry.getFileName().toString()).filter(name -> name.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).filter(candidate -> {
                        long[] stat = stat(candidate);
                        return stat != null && stat[4] == pid;
                    }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).strip();
            if (getconf.waitFor() != 0) {
                throw new IllegalStateException("getconf CLK_TCK failed: " + out);
            }
            return Long.parseLong(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
