package dev.berth.api;

import dev.berth.api.audit.AuditCommand;
import dev.berth.api.auth.TokenCommand;
import dev.berth.api.embedded.EmbeddedDefaults;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of the platform jar. {@code token ...} prints a bearer token for the embedded
 * issuer; {@code audit verify FILE} checks an audit export offline (no database needed); anything
 * else serves the platform, first starting the embedded defaults (PostgreSQL under the data
 * directory, the local signing key) for whatever is not configured externally.
 */
@QuarkusMain
public final class BerthMain {

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
        try (EmbeddedDefaults defaults = EmbeddedDefaults.start(dataDir)) {
            defaults.properties().forEach(System::setProperty);
            Quarkus.run(args);
        }
    }
}
