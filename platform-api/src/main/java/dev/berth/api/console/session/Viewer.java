package dev.berth.api.console.session;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is looking at the console, as the layout and the access checks need it.
 *
 * @param tenant the single organization of the viewer's token, or null when it names none or several
 */
public record Viewer(boolean signedIn, String name, Set<String> roles, String tenant) {

    public static final String PLATFORM_ADMIN = "platform-admin";
    public static final String AUDITOR = "auditor";
    public static final String TENANT_MEMBER = "tenant-member";
    public static final String TENANT_ADMIN = "tenant-admin";

    static final Viewer NOBODY = new Viewer(false, "", Set.of(), null);

    /** Edits tenants, quotas and policies and sees every page. */
    public boolean admin() {
        return roles.contains(PLATFORM_ADMIN);
    }

    /** Reads the audit pages: auditors read-only, platform admins too. */
    public boolean reviewer() {
        return admin() || roles.contains(AUDITOR);
    }

    /** Has a tenant role, whether or not the token names exactly one tenant. */
    public boolean tenantRole() {
        return roles.contains(TENANT_MEMBER) || roles.contains(TENANT_ADMIN);
    }

    /** Uses the tenant pages: a tenant role and exactly one tenant, as the API's tenant routes require. */
    public boolean tenantMember() {
        return tenantRole() && tenant != null;
    }

    public String roleList() {
        List<String> sorted = List.copyOf(new TreeSet<>(roles));
        return sorted.isEmpty() ? "no roles" : String.join(", ", sorted);
    }
}
