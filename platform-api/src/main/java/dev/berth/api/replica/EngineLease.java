package dev.berth.api.replica;

import dev.berth.api.config.BerthConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * This engine replica's lease, and the one writer of {@code engine_leases}. The lease's epoch is
 * the fencing token of every attempt the replica claims under it: an attempt's result is written
 * only while its job still carries the epoch and the lease is unexpired (see JobLifecycle).
 *
 * <p>Expiry is judged by the database's clock, never by another replica's. The replica also
 * judges it itself, on its own monotonic clock from the moment it sent a renewal that succeeded:
 * that deadline is never later than the one the database holds, so a replica cut off from the
 * database gives up its jobs before any other replica may reap them. A lease found lost is
 * announced ({@link LeaseLost}) and a new one, with a new epoch, is acquired.
 */
@ApplicationScoped
public class EngineLease {

    private static final Logger LOG = Logger.getLogger(EngineLease.class);
    public static final long NONE = 0;

    @Inject
    EntityManager em;
    @Inject
    ReplicaId replica;
    @Inject
    BerthConfig config;
    @Inject
    Event<LeaseLost> losses;

    private volatile long epoch = NONE;
    /** System.nanoTime() after which the lease may have expired in the database. */
    private volatile long validUntilNanos;
    private ScheduledExecutorService renewer;
    private volatile boolean released;

    /** Takes a lease with a new epoch (replacing any this replica held before) and keeps renewing it. */
    public synchronized long acquire() {
        long sent = System.nanoTime();
        epoch = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                        "INSERT INTO engine_leases (replica, epoch, acquired_at, renewed_at, expires_at) "
                                + "VALUES (:replica, nextval('engine_lease_epoch_seq'), now(), now(), now() + :millis * interval '1 millisecond') "
                                + "ON CONFLICT (replica) DO UPDATE SET epoch = EXCLUDED.epoch, acquired_at = EXCLUDED.acquired_at, "
                                + "renewed_at = EXCLUDED.renewed_at, expires_at = EXCLUDED.expires_at RETURNING epoch")
                .setParameter("replica", replica.get())
                .setParameter("millis", duration().toMillis())
                .getSingleResult()).longValue());
        validUntilNanos = sent + duration().toNanos();
        if (renewer == null) {
            renewer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("berth-engine-lease").factory());
            long every = config.lease().renewInterval().toMillis();
            renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        }
        LOG.infof("replica %s holds engine lease epoch %d for %s, renewed every %s", replica.get(), epoch, duration(),
                config.lease().renewInterval());
        return epoch;
    }

    /** The epoch claims carry now; {@link #NONE} while no lease is held. */
    public long epoch() {
        return held() ? epoch : NONE;
    }

    /** Whether the lease is certainly still valid in the database. */
    public boolean held() {
        return epoch != NONE && System.nanoTime() - validUntilNanos < 0;
    }

    /**
     * Gives the lease up once this replica runs nothing any more: attempts still carrying its
     * epoch (none after a clean drain) are reaped at once instead of after the lease duration.
     */
    public synchronized void release() {
        released = true;
        if (renewer != null && !renewer.isShutdown()) {
            renewer.shutdownNow();
        }
        long released = epoch;
        epoch = NONE;
        if (released == NONE) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("DELETE FROM engine_leases WHERE replica = :replica AND epoch = :epoch")
                .setParameter("replica", replica.get())
                .setParameter("epoch", released)
                .executeUpdate());
        LOG.infof("replica %s released engine lease epoch %d", replica.get(), released);
    }

    /** After the dispatcher's drain, which releases the lease itself once its jobs are handed back. */
    void stop(@Observes @Priority(Interceptor.Priority.APPLICATION + 900) ShutdownEvent event) {
        release();
    }

    private synchronized void renew() {
        long current = epoch;
        if (released) {
            return;
        }
        if (current == NONE) {
            reacquire();
            return;
        }
        long sent = System.nanoTime();
        boolean renewed;
        try {
            renewed = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                            "UPDATE engine_leases SET renewed_at = now(), expires_at = now() + :millis * interval '1 millisecond' "
                                    + "WHERE replica = :replica AND epoch = :epoch AND expires_at > now()")
                    .setParameter("millis", duration().toMillis())
                    .setParameter("replica", replica.get())
                    .setParameter("epoch", current)
                    .executeUpdate() == 1);
        } catch (RuntimeException e) {
            if (held()) {
                LOG.warnf("cannot renew engine lease epoch %d (%s); it stays valid for another %d ms", current, e.getMessage(),
                        TimeUnit.NANOSECONDS.toMillis(validUntilNanos - System.nanoTime()));
                return;
            }
            LOG.errorf("engine lease epoch %d expired while the database could not be reached (%s): stopping this replica's jobs, "
                    + "which other replicas may now retry", current, e.getMessage());
            lost(current);
            reacquire();
            return;
        }
        if (renewed && System.nanoTime() - validUntilNanos < 0) {
            validUntilNanos = sent + duration().toNanos();
            return;
        }
        LOG.errorf("engine lease epoch %d of replica %s expired (last renewal more than %s ago): stopping its jobs, whose attempts "
                + "are lost and retried elsewhere; check this host's load and its connection to PostgreSQL", current, replica.get(), duration());
        lost(current);
        reacquire();
    }

    private void reacquire() {
        try {
            acquire();
        } catch (RuntimeException e) {
            LOG.errorf("cannot acquire a new engine lease (%s); this replica claims nothing until it can, trying again in %s",
                    e.getMessage(), config.lease().renewInterval());
        }
    }

    private void lost(long lostEpoch) {
        epoch = NONE;
        losses.fire(new LeaseLost(lostEpoch));
    }

    private Duration duration() {
        return config.lease().duration();
    }
}
