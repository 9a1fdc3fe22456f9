package dev.berth.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registry's authorization matrix, decided without a registry: who gets which actions on which repository. */
class RegistryAccessRulesTest {

    private final RegistryAccessRules rules = new RegistryAccessRules("platform");
    private static final Set<String> MEMBER = Set.of("tenant-member");
    private static final Set<String> ADMIN = Set.of("platform-admin");

    @Test
    void aTenantPullsAndPushesItsOwnNamespaceOnly() {
        assertThat(rules.granted(scope("repository:acme/app:pull,push"), MEMBER, Optional.of("acme"))).containsExactlyInAnyOrder("pull", "push");
        assertThat(rules.granted(scope("repository:acme/team/app:pull"), Set.of("tenant-admin"), Optional.of("acme"))).containsExactly("pull");
        assertThat(rules.granted(scope("repository:globex/app:pull,push"), MEMBER, Optional.of("acme"))).isEmpty();
        assertThat(rules.granted(scope("repository:acme:pull"), MEMBER, Optional.of("acme"))).as("a bare namespace is no repository").isEmpty();
        assertThat(rules.granted(scope("repository:acmeco/app:pull"), MEMBER, Optional.of("acme"))).as("a namespace is a whole path component").isEmpty();
        assertThat(rules.granted(scope("repository:acme/app:delete,*"), MEMBER, Optional.of("acme"))).as("nothing beyond pull and push").isEmpty();
    }

    @Test
    void tenantsPullThePlatformNamespaceWhichOnlyPlatformAdminsPush() {
        assertThat(rules.granted(scope("repository:platform/python:pull,push"), MEMBER, Optional.of("acme"))).containsExactly("pull");
        assertThat(rules.granted(scope("repository:platform/python:pull,push"), ADMIN, Optional.empty())).containsExactlyInAnyOrder("pull", "push");
        assertThat(rules.granted(scope("repository:acme/app:pull"), ADMIN, Optional.empty())).as("admins do not read tenants' images").isEmpty();
    }

    @Test
    void everyoneElseGetsNothing() {
        assertThat(rules.granted(scope("repository:acme/app:pull"), Set.of(), Optional.empty())).as("anonymous").isEmpty();
        assertThat(rules.granted(scope("repository:acme/app:pull"), Set.of("auditor"), Optional.of("acme"))).isEmpty();
        assertThat(rules.granted(scope("repository:acme/app:pull"), MEMBER, Optional.empty())).as("a member of no single tenant").isEmpty();
        assertThat(rules.granted(scope("registry:catalog:*"), ADMIN, Optional.empty())).isEmpty();
        assertThat(rules.granted(scope("repository:platform/python:pull"), MEMBER, Optional.empty())).isEmpty();
    }

    @Test
    void scopesAreReadFromBothEnds() {
        assertThat(RegistryScope.parse("repository:acme/app:pull,push")).contains(new RegistryScope("repository", "acme/app", Set.of("pull", "push")));
        assertThat(RegistryScope.parse("repository(plugin):acme/app:pull")).get().extracting(RegistryScope::name).isEqualTo("acme/app");
        assertThat(RegistryScope.parse("repository:acme/app")).isEmpty();
        assertThat(RegistryScope.parse("nonsense")).isEmpty();
    }

    private static RegistryScope scope(String text) {
        return RegistryScope.parse(text).orElseThrow();
    }
}
