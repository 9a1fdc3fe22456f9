package dev.berth.api.audit;

import dev.berth.api.audit.chain.AuditKeys;
import dev.berth.api.audit.chain.ExportVerifier;
import dev.berth.api.audit.chain.VerifyResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;

/**
 * {@code berth audit verify FILE [--public-key PEM]}: checks an export offline, with no database
 * and no running platform. Exit 0 when valid, 1 when tampered (naming the first bad sequence
 * number), 2 on usage errors.
 */
public final class AuditCommand {

    private static final String USAGE = "usage: berth audit verify FILE [--public-key PEM] "
            + "(default key: <data dir>/keys/" + AuditKeys.PUBLIC_FILE + "; GET /api/v1/audit/public-key serves it)";

    private AuditCommand() {
    }

    public static int run(Path dataDir, String... args) {
        if (args.length < 2 || !args[0].equals("verify")) {
            System.err.println(USAGE);
            return 2;
        }
        Path export = Path.of(args[1]);
        Path keyFile = dataDir.resolve("keys").resolve(AuditKeys.PUBLIC_FILE);
        for (int i = 2; i < args.length; i += 2) {
            if (!args[i].equals("--public-key") || i + 1 >= args.length) {
                System.err.println("unknown or incomplete option " + args[i] + "; " + USAGE);
                return 2;
            }
            keyFile = Path.of(args[i + 1]);
        }
        if (!Files.isReadable(export)) {
            System.err.println("cannot read " + export + "; " + USAGE);
            return 2;
        }
        try {
            PublicKey key = AuditKeys.readPublic(keyFile);
            VerifyResult result = ExportVerifier.verify(export, key);
            System.out.println(export + ": " + result.summary() + " [trusted key " + AuditKeys.keyId(key) + " from " + keyFile + "]");
            return result.valid() ? 0 : 1;
        } catch (IOException e) {
            System.err.println("cannot verify " + export + ": " + e.getMessage());
            return 2;
        }
    }
}
