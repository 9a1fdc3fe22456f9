package dev.berth.api.tenants;

import dev.berth.api.problems.ProblemException;
import dev.berth.policy.Violation;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Tenant IDs are Keycloak Organization aliases and appear in tokens, paths and logs, so they are
 * kept to DNS-label form.
 */
public final class TenantIds {

    private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9-]{0,61}[a-z0-9]");
    private static final int MAX_NAME = 255;

    private TenantIds() {
    }

    public static String requireValid(String id) {
        if (id == null || !LABEL.matcher(id).matches()) {
            throw ProblemException.refused(List.of(new Violation("tenant.id", "id",
                    "a tenant ID is 2-63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen")));
        }
        return id;
    }

    public static String displayName(String name, String id) {
        if (name == null || name.isBlank()) {
            return id;
        }
        if (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.refused(List.of(new Violation("tenant.name", "name",
                    "a tenant name is at most " + MAX_NAME + " printable characters")));
        }
        return name.strip();
    }
}
