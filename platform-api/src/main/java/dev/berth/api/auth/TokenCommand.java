package dev.berth.api.auth;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code ./berth token --tenant T --roles R[,R...] [--user U] [--hours H]}: prints a token for the embedded issuer. */
public final class TokenCommand {

    static final Set<String> ROLES = Set.of("tenant-member", "tenant-admin", "platform-admin", "auditor");
    private static final String USAGE = "usage: berth token --tenant T --roles R[,R...] [--user U] [--hours H]; roles: " + ROLES;

    private TokenCommand() {
    }

    public static int run(Path dataDir, String... args) throws IOException {
        List<String> tenants = new ArrayList<>();
        Set<String> roles = new LinkedHashSet<>();
        String user = "berth-user";
        long hours = 12;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                System.err.println(args[i] + " needs a value; " + USAGE);
                return 2;
            }
            switch (args[i++]) {
                case "--tenant" -> tenants.add(value);
                case "--roles" -> roles.addAll(List.of(value.split(",")));
                case "--user" -> user = value;
                case "--hours" -> hours = Long.parseLong(value);
                default -> {
                    System.err.println("unknown option " + args[i - 1] + "; " + USAGE);
                    return 2;
                }
            }
        }
        if (roles.isEmpty() || !ROLES.containsAll(roles)) {
            System.err.println("give one or more known roles; " + USAGE);
            return 2;
        }
        if (tenants.isEmpty() && !Set.of("platform-admin", "auditor").containsAll(roles)) {
            System.err.println("tenant roles need --tenant; " + USAGE);
            return 2;
        }
        LocalSigningKey key = LocalSigningKey.loadOrCreate(dataDir.resolve("keys"));
        System.out.println(new TokenMinter(key).mint(user, tenants, roles, Duration.ofHours(hours)));
        return 0;
    }
}
