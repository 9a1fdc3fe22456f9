package dev.berth.api.console.session;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Who is looking at the console, as the layout and the access checks need it. */
public record Viewer(boolean signedIn, String name, Set<String> roles) {

    public static final String PLATFORM_ADMIN = "platform-admin";
    public static final String AUDITOR = "auditor";

    static final Viewer NOBODY = new Viewer(false, "", Set.of());

    /** Edits tenants, quotas and policies and sees every page. */
    public boolean admin() {
        return roles.contains(PLATFORM_ADMIN);
    }

    /** Reads the audit pages: auditors read-only, platform admins too. */
    public boolean reviewer() {
        return admin() || roles.contains(AUDITOR);
    }

    public String roleList() {
        List<String> sorted = List.copyOf(new TreeSet<>(roles));
        return sorted.isEmpty() ? "no roles" : String.join(", ", sorted);
    }
}
