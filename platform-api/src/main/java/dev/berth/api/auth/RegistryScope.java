package dev.berth.api.auth;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One access a registry client asks the token service for, as the Docker token flow writes it:
 * {@code repository:acme/app:pull,push}. The name sits between the type and the actions, so it is
 * read from both ends.
 */
public record RegistryScope(String type, String name, Set<String> actions) {

    public static final String REPOSITORY = "repository";

    public RegistryScope {
        actions = Set.copyOf(actions);
    }

    public static Optional<RegistryScope> parse(String scope) {
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (first <= 0 || last <= first + 1 || last == scope.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new RegistryScope(scope.substring(0, first), scope.substring(first + 1, last),
                Set.of(scope.substring(last + 1).split(","))));
    }

    public static RegistryScope repository(String name, String... actions) {
        return new RegistryScope(REPOSITORY, name, Set.of(actions));
    }

    @Override
    public String toString() {
        return type + ":" + name + ":" + String.join(",", new TreeSet<>(actions));
    }
}
