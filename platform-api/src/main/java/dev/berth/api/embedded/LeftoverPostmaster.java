package dev.berth.api.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The embedded PostgreSQL runs as its own process (pg_ctl daemonises it). When the platform is
 * killed with SIGKILL nothing stops it, and it keeps holding the data directory: the next start
 * would fail with "lock file postmaster.pid already exists". Called while holding the data
 * directory lock, so the server found here can only be such a leftover; it is asked to shut down
 * with SIGTERM (a "smart" shutdown, which ends at once because its clients died with the platform)
 * and PostgreSQL's own crash recovery takes over on the next start. It is never sent SIGKILL.
 */
final class LeftoverPostmaster {

    private static final Logger LOG = Logger.getLogger(LeftoverPostmaster.class);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private LeftoverPostmaster() {
    }

    static void stopIfRunning(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        Optional<ProcessHandle> postmaster = lines.size() < 2 ? Optional.empty() : parse(lines.getFirst()).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(command -> command.endsWith("/postgres")).orElse(false))
                .filter(process -> sameDirectory(lines.get(1), pgData));
        if (postmaster.isEmpty()) {
            // A stale file with no server behind it: PostgreSQL itself recognises and replaces it.
            return;
        }
        ProcessHandle process = postmaster.get();
        LOG.warnf("the embedded PostgreSQL (pid %d) of a platform that was killed still runs on %s; stopping it before starting anew",
                process.pid(), pgData);
        process.destroy();
        Instant deadline = Instant.now().plus(WAIT);
        while (process.isAlive() && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the leftover PostgreSQL to stop", e);
            }
        }
        if (process.isAlive()) {
            throw new IllegalStateException("the leftover PostgreSQL (pid " + process.pid() + ") on " + pgData + " did not stop within "
                    + WAIT.toSeconds() + " s: stop it with pg_ctl stop -m fast -D " + pgData + ", then start the platform again");
        }
    }

    private static Optional<Long> parse(String pid) {
        try {
            return Optional.of(Long.parseLong(pid.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean sameDirectory(String recorded, Path pgData) {
        try {
            return Files.isSameFile(Path.of(recorded.strip()), pgData);
        } catch (IOException e) {
            return false;
        }
    }
}
