package dev.berth.api;

import dev.berth.api.audit.AuditCommand;
import dev.berth.api.auth.TokenCommand;
import dev.berth.api.embedded.EmbeddedDefaults;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Entry point of the platform jar. {@code token ...} prints a bearer token for the embedded
 * issuer; {@code audit verify FILE} checks an audit export offline (no database needed); anything
 * else serves the platform, first starting the embedded defaults (PostgreSQL under the data
 * directory, the local signing key) for whatever is not configured externally.
 */
@QuarkusMain
public final class BerthMain {

    /** Longer than the dispatcher's default shutdown grace plus the engine's kill grace. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofMinutes(2);

    BerthMain() {
    }

    public static void main(String... args) throws Exception {
        Path dataDir = Path.of(System.getProperty("berth.data-dir", System.getenv().getOrDefault("BERTH_DATA_DIR", "data")));
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(TokenCommand.run(dataDir, Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && args[0].equals("audit")) {
            System.exit(AuditCommand.run(dataDir, Arrays.copyOfRange(args, 1, args.length)));
        }
        EmbeddedDefaults defaults = EmbeddedDefaults.start(dataDir);
        // On SIGTERM the JVM halts once its shutdown hooks are done, perhaps before this thread
        // closed the database; this hook holds it until the platform stopped and the database too.
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("berth-embedded-close").unstarted(() -> awaitClosed(closed)));
        AtomicInteger status = new AtomicInteger();
        try {
            defaults.properties().forEach(System::setProperty);
            // Quarkus' default exit handler calls System.exit, which never returns during a
            // shutdown and so would never let the database close; keep the status instead.
            Quarkus.run(null, (code, failure) -> status.set(code), args);
        } finally {
            defaults.close();
            closed.countDown();
        }
        System.exit(status.get());
    }

    private static void awaitClosed(CountDownLatch closed) {
        try {
            if (!closed.await(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                System.err.println("berth: the embedded database did not close within " + CLOSE_TIMEOUT + "; it recovers on the next start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
