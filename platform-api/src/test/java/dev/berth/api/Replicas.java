package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.image.FileTrees;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Replicas of the packaged platform that one test starts on data directories of their own. Closing
 * stops them newest first (engine replicas before the API replica whose PostgreSQL they record into)
 * and removes every data directory, so a run leaves nothing under the temporary directory.
 */
public final class Replicas implements AutoCloseable {

    private final HttpClient http;
    private final Duration stopGrace;
    private final Path jar;
    private final List<PlatformProcess> started = new ArrayList<>();
    private final List<Path> dataDirs = new ArrayList<>();

    public Replicas(HttpClient http, Duration stopGrace) {
        this.http = http;
        this.stopGrace = stopGrace;
        this.jar = Path.of(System.getProperty("berth.platform.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("the packaged platform (mvn package builds it)").isRegularFile();
    }

    public Path dataDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        dataDirs.add(dir);
        return dir;
    }

    /** Starts a replica and waits until it reports ready. */
    public PlatformProcess launch(Path dataDir, String name, List<String> options) throws Exception {
        PlatformProcess platform = PlatformProcess.start(jar, dataDir, name, options);
        started.add(platform);
        platform.awaitReady(http, Duration.ofMinutes(3));
        return platform;
    }

    /** The JDBC URL of the embedded PostgreSQL a replica started under its data directory. */
    public static String embeddedDatabaseUrl(Path dataDir) throws IOException {
        List<String> postmaster = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
        return "jdbc:postgresql://127.0.0.1:" + postmaster.get(3).strip() + "/postgres";
    }

    /** The end of every started replica's log, for a failure's message. */
    public String tails() {
        StringBuilder tails = new StringBuilder();
        started.forEach(platform -> tails.append(platform.tail()).append("\n----\n"));
        return tails.toString();
    }

    @Override
    public void close() throws Exception {
        for (PlatformProcess platform : started.reversed()) {
            if (platform.alive()) {
                platform.terminate(stopGrace);
            }
        }
        for (Path dataDir : dataDirs) {
            FileTrees.remove(dataDir);
        }
    }
}
