package dev.berth.api.images;

import dev.berth.api.config.BerthConfig;
import dev.berth.api.replica.LocalEngine;
import dev.berth.api.replica.ReplicaId;
import dev.berth.engine.image.DirectoryImageStore;
import dev.berth.engine.image.GarbageReport;
import dev.berth.engine.image.ImageLibrary;
import dev.berth.engine.image.PreparedImage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * On an engine replica, carries out the pulls the catalog records, one at a time, and collects
 * images nothing uses. A pull is committed as waiting before the API answers 202, so a replica
 * killed mid-pull loses nothing: at its next start its unfinished pulls wait again and are taken.
 */
@ApplicationScoped
public class ImagePulls {

    private static final Logger LOG = Logger.getLogger(ImagePulls.class);
    private static final Duration IDLE_POLL = Duration.ofSeconds(2);
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(250);

    @Inject
    LocalEngine localEngine;
    @Inject
    ImagePullRecords records;
    @Inject
    ImageCatalog catalog;
    @Inject
    ReplicaId replica;
    @Inject
    BerthConfig config;
    @Inject
    Instance<ImageLibrary> library;

    private final Semaphore wake = new Semaphore(0);
    private volatile boolean collectSoon;
    private volatile Thread worker;

    void start(@Observes StartupEvent event) {
        if (!localEngine.runsJobs()) {
            // No store here, but the host's built-in images (none on a Kubernetes API pod) are listed all the same.
            catalog.registerBuiltIns(new DirectoryImageStore(config.engine().imagesDir()).builtIn());
            return;
        }
        catalog.registerBuiltIns(library.get().builtIn());
        int released = records.releaseUnfinished(replica.get());
        if (released > 0) {
            LOG.infof("%d pull(s) this replica had not finished before it stopped wait again", released);
        }
        worker = Thread.ofPlatform().daemon().name("berth-image-pulls").start(this::work);
    }

    void pullRequested(@Observes(during = TransactionPhase.AFTER_SUCCESS) PullRequested request) {
        wake(false);
    }

    void deleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) ImageDeleted deletion) {
        wake(true);
    }

    /** Looks for pulls now rather than at the next poll, and collects unused content soon if asked to. */
    void wake(boolean collect) {
        collectSoon |= collect;
        wake.release();
    }

    private void work() {
        Instant nextCollection = Instant.now().plus(config.images().gcInterval());
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Optional<ImageEntry> pull = records.claim(replica.get());
                if (pull.isPresent()) {
                    pull(pull.get());
                    continue;
                }
                if (collectSoon || Instant.now().isAfter(nextCollection)) {
                    collectSoon = false;
                    nextCollection = Instant.now().plus(config.images().gcInterval());
                    collect();
                }
                wake.tryAcquire(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.errorf(e, "the image worker failed; trying again in %s", IDLE_POLL);
                sleep();
            }
        }
    }

    private void pull(ImageEntry entry) {
        Instant[] lastUpdate = {Instant.EPOCH};
        try {
            PreparedImage image = library.get().pull(entry.source, progress -> {
                // Progress lines come in bursts; one row update per quarter second is plenty to follow.
                if (!progress.phase().equals("COPYING") || Instant.now().isAfter(lastUpdate[0].plus(PROGRESS_EVERY))) {
                    lastUpdate[0] = Instant.now();
                    records.progress(entry.id, progress);
                }
            });
            records.succeeded(entry.id, image, replica.get());
            LOG.infof("pulled %s as %s (%s), %d layer bytes transferred", entry.source, entry.reference(), image.digest(), image.transferredBytes());
        } catch (Exception e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // shutting down: the pull waits again at the next start
            }
            LOG.warnf("pull of %s failed: %s", entry.source, e.getMessage());
            records.failed(entry.id, e.getMessage());
        }
    }

    private void collect() {
        try {
            GarbageReport report = library.get().collectGarbage(records.liveDigests(), config.images().gcGrace());
            if (report.blobsRemoved() > 0 || report.rootFilesystemsRemoved() > 0) {
                LOG.infof("image collection removed %d root filesystem(s) and %d blob(s), %d bytes",
                        report.rootFilesystemsRemoved(), report.blobsRemoved(), report.bytesFreed());
            }
        } catch (IOException e) {
            LOG.errorf(e, "image collection failed; it runs again in %s", config.images().gcInterval());
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(IDLE_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.interrupt();
        }
    }
}
