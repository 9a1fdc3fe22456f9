package dev.berth.api.tenants;

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

    public static List<Violation> idViolations(String id) {
        return id != null && LABEL.matcher(id).matches() ? List.of() : List.of(new Violation("tenant.id", "id",
                "a tenant ID is 2-63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen"));
    }

    public static List<Violation> nameViolations(String name) {
        boolean acceptable = name == null || name.isBlank() || name.length() <= MAX_NAME && name.chars().noneMatch(Character::isISOControl);
        return acceptable ? List.of()
                : List.of(new Violation("tenant.name", "name", "a tenant name is at most " + MAX_NAME + " printable characters"));
    }

    /** The name people see: as given (without surrounding blanks), or the ID when none was given; check it with {@link #nameViolations} first. */
    public static String displayName(String name, String id) {
        return name == null || name.isBlank() ? id : name.strip();
    }
}
