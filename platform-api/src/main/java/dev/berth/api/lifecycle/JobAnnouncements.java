package dev.berth.api.lifecycle;

import dev.berth.api.json.JsonColumns;
import dev.berth.api.replica.ReplicaId;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Both ends of the {@code NOTIFY} channel through which replicas sharing a database hear of each
 * other's transitions at once instead of at their next poll (which stays as the safety net: a
 * notification sent while a listener reconnects is not replayed).
 *
 * <p>{@link JobLifecycle} announces a transition inside its transaction: observers on this replica
 * get the CDI events at once ({@code AFTER_SUCCESS} observers when it commits), and the other
 * replicas' listeners get the same events from the notification, which PostgreSQL delivers only
 * when the transaction commits.
 */
@ApplicationScoped
public class JobAnnouncements {

    static final String CHANNEL = "berth_jobs";
    private static final Logger LOG = Logger.getLogger(JobAnnouncements.class);
    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RECONNECT_MAX = Duration.ofSeconds(30);

    @Inject
    EntityManager em;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    JsonColumns json;
    @Inject
    ReplicaId replica;
    @Inject
    Event<JobChanged> changes;
    @Inject
    Event<JobQueued> queued;
    @Inject
    Event<CancelRequested> cancelRequests;
    @Inject
    Event<OutputAppended> outputs;

    private volatile boolean stopping;
    private volatile boolean listening;
    private Thread listener;

    /** The job is in {@code state} now. */
    @Transactional(Transactional.TxType.MANDATORY)
    void changed(Job job, JobState state) {
        announce(new Announcement(Announcement.Kind.of(state), job.id, job.tenant, replica.get()));
    }

    /** A tenant asked to stop the job, which some replica is starting or running. */
    @Transactional(Transactional.TxType.MANDATORY)
    void cancelRequested(Job job) {
        announce(new Announcement(Announcement.Kind.CANCEL_REQUESTED, job.id, job.tenant, replica.get()));
    }

    /** More of the job's output was stored in this transaction; followers on any replica read on. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void outputAppended(UUID id, String tenant) {
        announce(new Announcement(Announcement.Kind.OUTPUT, id, tenant, replica.get()));
    }

    /** Whether this replica hears other replicas' transitions right now (it reconnects after losing the database). */
    public boolean listening() {
        return listening;
    }

    private void announce(Announcement announcement) {
        fire(announcement);
        em.createNativeQuery("SELECT pg_notify(:channel, :payload)")
                .setParameter("channel", CHANNEL)
                .setParameter("payload", json.write(announcement))
                .getSingleResult();
    }

    private void fire(Announcement announcement) {
        switch (announcement.kind()) {
            case CANCEL_REQUESTED -> cancelRequests.fire(new CancelRequested(announcement.id()));
            case OUTPUT -> outputs.fire(new OutputAppended(announcement.id(), announcement.tenant()));
            case QUEUED -> {
                queued.fire(new JobQueued(announcement.id(), announcement.tenant()));
                changes.fire(new JobChanged(announcement.id(), announcement.tenant(), JobState.QUEUED));
            }
            default -> changes.fire(new JobChanged(announcement.id(), announcement.tenant(), announcement.kind().state()));
        }
    }

    void start(@Observes StartupEvent event) {
        listener = Thread.ofPlatform().name("berth-job-announcements").daemon().start(this::listen);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (listener != null) {
            listener.interrupt();
        }
    }

    private void listen() {
        Duration backoff = Duration.ofSeconds(1);
        while (!stopping) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection notifications = connection.unwrap(PGConnection.class);
                listening = true;
                backoff = Duration.ofSeconds(1);
                while (!stopping) {
                    PGNotification[] received = notifications.getNotifications((int) LISTEN_TIMEOUT.toMillis());
                    if (received != null) {
                        for (PGNotification notification : received) {
                            hear(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (stopping) {
                    return;
                }
                LOG.warnf("not hearing other replicas' job transitions (%s); polling covers them, reconnecting in %s",
                        e.getMessage(), backoff);
            } finally {
                listening = false;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(RECONNECT_MAX) > 0 ? RECONNECT_MAX : backoff.multipliedBy(2);
        }
    }

    private void hear(String payload) {
        try {
            Announcement announcement = json.read(payload, Announcement.class);
            if (!announcement.replica().equals(replica.get())) {
                fire(announcement);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "ignoring an announcement on %s that could not be delivered: %s", CHANNEL, payload);
        }
    }
}
