package dev.berth.api.auth;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what in the registry. A tenant's members pull and push {@code <tenant>/*}; everyone
 * with a tenant role pulls the platform's namespace, which only platform admins push to; nothing
 * else is granted to anyone (no catalog listing, no deletes, no other tenant's repositories).
 */
public final class RegistryAccessRules {

    static final Set<String> TENANT_ROLES = Set.of("tenant-member", "tenant-admin");
    static final String PLATFORM_ADMIN = "platform-admin";

    private final String platformNamespace;

    public RegistryAccessRules(String platformNamespace) {
        this.platformNamespace = platformNamespace;
    }

    /** The actions of {@code asked} this caller gets; empty if none. */
    public Set<String> granted(RegistryScope asked, Set<String> roles, Optional<String> tenant) {
        Set<String> allowed = new HashSet<>();
        if (!RegistryScope.REPOSITORY.equals(asked.type())) {
            return allowed;
        }
        boolean tenantRole = roles.stream().anyMatch(TENANT_ROLES::contains);
        if (inNamespace(asked.name(), platformNamespace)) {
            if (tenantRole && tenant.isPresent()) {
                allowed.add("pull");
            }
            if (roles.contains(PLATFORM_ADMIN)) {
                allowed.add("pull");
                allowed.add("push");
            }
        } else if (tenantRole && tenant.isPresent() && inNamespace(asked.name(), tenant.get())) {
            allowed.add("pull");
            allowed.add("push");
        }
        allowed.retainAll(asked.actions());
        return allowed;
    }

    /** The repository's first path component, if it has one below it. */
    public static Optional<String> namespaceOf(String repository) {
        int slash = repository.indexOf('/');
        return slash > 0 && slash < repository.length() - 1 ? Optional.of(repository.substring(0, slash)) : Optional.empty();
    }

    private static boolean inNamespace(String repository, String namespace) {
        return namespaceOf(repository).filter(namespace::equals).isPresent();
    }
}
