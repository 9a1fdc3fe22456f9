package dev.berth.api.audit.denials;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.audit.Provenance;
import dev.berth.api.audit.Provenances;
import dev.berth.api.auth.CallerTenant;
import dev.berth.api.refusals.Refusal;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.security.spi.runtime.AuthenticationFailureEvent;
import io.quarkus.security.spi.runtime.AuthorizationFailureEvent;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Records refused requests: failed authentication and authorization (from Quarkus' security
 * events) and the refusals the platform decides itself (its {@link Refusal} events, announced
 * where each is decided). A refusal changes nothing, so its event is written in a transaction of
 * its own, off the request thread (security events arrive on the I/O thread, which must not block
 * on the database, and a refusal is announced inside the transaction it rolls back).
 */
@ApplicationScoped
public class Denials {

    private static final Logger LOG = Logger.getLogger(Denials.class);
    /** Bounded: a flood of bad tokens may lose denial events (counted in the log), never the platform's memory. */
    private static final int BACKLOG = 10_000;

    @Inject
    AuditLog audit;
    @Inject
    Provenances provenances;
    @Inject
    CurrentVertxRequest request;
    @Inject
    CallerTenant caller;

    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(BACKLOG), Thread.ofPlatform().name("berth-audit-denials").daemon().factory());

    void authenticationFailed(@Observes AuthenticationFailureEvent event) {
        RoutingContext http = http(event.getEventProperties());
        record(AuditEntry.denied("authn.fail", null, target(http)).reason(reason(event.getAuthenticationFailure())),
                Provenances.of(null, http));
    }

    void authorizationFailed(@Observes AuthorizationFailureEvent event) {
        RoutingContext http = http(event.getEventProperties());
        boolean anonymous = event.getSecurityIdentity() == null || event.getSecurityIdentity().isAnonymous();
        record(AuditEntry.denied(anonymous ? "authn.missing" : "authz.deny", null, target(http))
                        .reason(reason(event.getAuthorizationFailure())),
                Provenances.of(event.getSecurityIdentity(), http));
    }

    /** Observed on the thread that decided the refusal, so the caller and the request are still the current ones. */
    void refused(@Observes Refusal refusal) {
        record(AuditEntry.denied(refusal.action(), tenantOrNull(), target(currentRequest())).reason(refusal.detail())
                .ruleIds(refusal.ruleIds()), provenances.current());
    }

    private void record(AuditEntry entry, Provenance provenance) {
        try {
            writer.execute(() -> {
                try {
                    audit.recordApart(entry, provenance);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "could not record the denial %s of %s", entry.action(), entry.target());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warnf("audit backlog full (%d denials waiting): dropped %s %s by %s", BACKLOG, entry.action(), entry.target(),
                    provenance.actor().subject());
        }
    }

    /**
     * HTTP-layer checks put the request in the event (under more than one key name, depending on
     * the check); REST method checks leave it in the request context.
     */
    private RoutingContext http(Map<String, Object> eventProperties) {
        for (Object value : eventProperties.values()) {
            if (value instanceof RoutingContext http) {
                return http;
            }
        }
        return currentRequest();
    }

    private RoutingContext currentRequest() {
        return Arc.container().requestContext().isActive() ? request.getCurrent() : null;
    }

    private String tenantOrNull() {
        return Arc.container().requestContext().isActive() ? caller.tenant().orElse(null) : null;
    }

    private static String target(RoutingContext http) {
        return http == null ? null : http.request().method().name() + " " + http.normalizedPath();
    }

    private static String reason(Throwable failure) {
        if (failure == null) {
            return null;
        }
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        writer.shutdown();
        if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warnf("%d denial event(s) were not written before shutdown", writer.getQueue().size());
        }
    }
}
