package dev.berth.api;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.berth.api.dispatch.Dispatcher;
import dev.berth.api.images.ImagePulls;
import dev.berth.api.lifecycle.JobLifecycle;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.refusals.Refusals;
import dev.berth.policy.Decision;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.IdMapping;
import dev.berth.policy.IdRange;
import dev.berth.policy.ImageReference;
import dev.berth.policy.Limits;
import dev.berth.policy.seccomp.SeccompProfile;
import dev.berth.policy.seccomp.SeccompProfiles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Singleton;
import jakarta.persistence.Entity;
import jakarta.ws.rs.Path;
import dev.berth.policy.data.JobData;
import dev.berth.policy.egress.AlwaysDenied;
import dev.berth.policy.egress.Cidr;
import dev.berth.policy.egress.EgressRule;
import dev.berth.policy.egress.PortRange;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.health.HealthCheck;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.junit.jupiter.api.Test;

/**
 * Which way dependencies go, for all modules at once: this module's tests are the one place that
 * sees policy, the engine and the platform together. Maven's module graph already stops policy
 * from compiling against the engine or the platform; what it cannot say (the engine uses only the
 * plan types of policy, the platform's packages form no cycle and keep their tiers, resources sit
 * over services over stores) is said here.
 */
class ArchitectureTest {

    /** Main classes of every module; the isolation engine's test jar (its test support) is on this classpath too. */
    private static final JavaClasses BERTH = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.berth");

    /** What a plan is made of and the references in it the engine resolves; nothing of admission. */
    private static final Set<Class<?>> PLAN_TYPES = Set.of(ExecutionPlan.class, Limits.class, IdMapping.class, IdRange.class,
            Decision.class, ImageReference.class, SeccompProfile.class, SeccompProfiles.class, JobData.class,
            EgressRule.class, Cidr.class, PortRange.class, AlwaysDenied.class);

    private static final DescribedPredicate<JavaClass> RESOURCES = describe("resources (JAX-RS resources, HTTP mappers and filters, health checks)",
            (JavaClass type) -> type.isAnnotatedWith(Path.class) || type.isAssignableTo(HealthCheck.class)
                    || type.getMethods().stream().anyMatch(method -> method.isAnnotatedWith(ServerExceptionMapper.class)
                            || method.isAnnotatedWith(ServerRequestFilter.class) || method.isAnnotatedWith(ServerResponseFilter.class)));
    private static final DescribedPredicate<JavaClass> STORES = describe("stores (entities and *Store classes)",
            (JavaClass type) -> type.isAnnotatedWith(Entity.class) || type.getSimpleName().endsWith("Store"));
    private static final DescribedPredicate<JavaClass> SERVICES = describe("services (every other bean)",
            (JavaClass type) -> !RESOURCES.test(type) && !STORES.test(type) && List.of(ApplicationScoped.class, RequestScoped.class,
                    Singleton.class, Dependent.class).stream().anyMatch(type::isAnnotatedWith));

    @Test
    void policyDependsOnNothingOfOurs() {
        classes().that().resideInAPackage("dev.berth.policy..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.berth.policy..", "java..", "com.fasterxml.jackson..")
                .check(BERTH);
    }

    @Test
    void theEngineUsesOnlyThePlanTypesOfPolicy() {
        classes().that().resideInAPackage("dev.berth.engine..")
                .should().onlyDependOnClassesThat(describe("in the engine, outside Berth or a plan type of policy",
                        (JavaClass target) -> target.getPackageName().startsWith("dev.berth.engine")
                                || !target.getPackageName().startsWith("dev.berth") || isPlanType(target)))
                .check(BERTH);
    }

    @Test
    void nothingDependsOnThePlatform() {
        noClasses().that().resideOutsideOfPackage("dev.berth.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.berth.api..")
                .check(BERTH);
    }

    @Test
    void thePlatformsPackagesFormNoCycle() {
        slices().matching("dev.berth.api.(*)..").namingSlices("$1").should().beFreeOfCycles().check(BERTH);
    }

    /**
     * The platform's packages in tiers, each using only those below it (and its own tier): entry
     * points over features over the core of jobs, audit and identity, over plain foundations. A
     * new package must be given its tier.
     */
    @Test
    void thePlatformsPackagesKeepTheirTiers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Entry points").definedBy("dev.berth.api", "dev.berth.api.console..", "dev.berth.api.health..",
                        "dev.berth.api.observability..", "dev.berth.api.openapi..", "dev.berth.api.http..", "dev.berth.api.docker..")
                .layer("Features").definedBy("dev.berth.api.jobs..", "dev.berth.api.dispatch..", "dev.berth.api.usage..",
                        "dev.berth.api.tenants..", "dev.berth.api.policy..", "dev.berth.api.images..", "dev.berth.api.identity..",
                        "dev.berth.api.embedded..", "dev.berth.api.audit.review..", "dev.berth.api.inputs..", "dev.berth.api.secrets..",
                        "dev.berth.api.artifacts..")
                .layer("Core").definedBy("dev.berth.api.lifecycle..", "dev.berth.api.audit", "dev.berth.api.audit.chain..",
                        "dev.berth.api.audit.denials..", "dev.berth.api.auth..", "dev.berth.api.refusals..", "dev.berth.api.replica..",
                        "dev.berth.api.blobs..")
                .layer("Foundation").definedBy("dev.berth.api.json..", "dev.berth.api.problems..", "dev.berth.api.config..",
                        "dev.berth.api.keys..", "dev.berth.api.sql..")
                .whereLayer("Entry points").mayNotBeAccessedByAnyLayer()
                .whereLayer("Features").mayOnlyBeAccessedByLayers("Entry points")
                .whereLayer("Core").mayOnlyBeAccessedByLayers("Entry points", "Features")
                .whereLayer("Foundation").mayOnlyBeAccessedByLayers("Entry points", "Features", "Core")
                .ensureAllClassesAreContainedInArchitectureIgnoring("dev.berth.policy..", "dev.berth.engine..")
                .check(BERTH);
    }

    /** Inside the platform, by role: values (records, enums, exceptions) pass freely between layers. */
    @Test
    void resourcesOverServicesOverStores() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Resources").definedBy(RESOURCES.and(resideInPlatform()))
                .layer("Services").definedBy(SERVICES.and(resideInPlatform()))
                .layer("Stores").definedBy(STORES.and(resideInPlatform()))
                .whereLayer("Resources").mayNotBeAccessedByAnyLayer()
                .whereLayer("Services").mayOnlyBeAccessedByLayers("Resources")
                .whereLayer("Stores").mayOnlyBeAccessedByLayers("Services")
                .check(BERTH);
    }

    @Test
    void onlyTheLifecycleWritesJobs() {
        classes().that().haveFullyQualifiedName("dev.berth.api.lifecycle.JobStore")
                .should().onlyHaveDependentClassesThat().belongToAnyOf(JobLifecycle.class)
                .check(BERTH);
    }

    /** A refusal built anywhere else would reach the caller without its audit event. */
    @Test
    void refusalsAreAnnouncedWhereDecided() {
        noClasses().that().doNotBelongToAnyOf(Refusals.class)
                .should().callMethod(ProblemException.class, "refused", List.class)
                .check(BERTH);
    }

    /** They act on after-commit events; a caller that had to remember to wake them would forget it somewhere. */
    @Test
    void theDispatcherAndThePullWorkerAreWokenByEventsOnly() {
        classes().that().belongToAnyOf(Dispatcher.class, ImagePulls.class)
                .should().onlyHaveDependentClassesThat().belongToAnyOf(Dispatcher.class, ImagePulls.class)
                .check(BERTH);
    }

    /** A plan type or a type nested in one (a seccomp profile's rules). */
    private static boolean isPlanType(JavaClass type) {
        JavaClass outermost = type;
        while (outermost.getEnclosingClass().isPresent()) {
            outermost = outermost.getEnclosingClass().get();
        }
        return PLAN_TYPES.stream().anyMatch(outermost::isEquivalentTo);
    }

    private static DescribedPredicate<JavaClass> resideInPlatform() {
        return describe("in the platform", (JavaClass type) -> type.getPackageName().startsWith("dev.berth.api"));
    }
}
