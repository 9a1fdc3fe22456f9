package dev.berth.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything under {@code berth.*} in the configuration (also settable as BERTH_* variables). */
@ConfigMapping(prefix = "berth")
public interface BerthConfig {

    /** Where the embedded database, signing key, engine state and job logs live. */
    Path dataDir();

    Engine engine();

    Dispatch dispatch();

    Logs logs();

    Lease lease();

    Images images();

    Registry registry();

    Http http();

    interface Http {
        /**
         * Ceiling on a request body on every route but the streaming ones (input uploads and image
         * imports, which have caps of their own); Quarkus' own limit is set above all of them.
         */
        @WithDefault("10485760")
        long maxBodyBytes();
    }

    interface Engine {
        @WithDefault("/usr/bin/crun")
        Path runtime();

        @WithDefault("/var/lib/berth/images")
        Path imagesDir();

        @WithDefault("/berth")
        String cgroupParent();

        /** Per stream, per job. */
        @WithDefault("10485760")
        long logCapBytes();

        @WithDefault("10s")
        Duration killGrace();
    }

    interface Dispatch {
        /** Jobs running at once on this replica. */
        @WithDefault("4")
        int maxConcurrent();

        /** How often the queue is polled when nothing wakes the dispatcher. */
        @WithDefault("2s")
        Duration pollInterval();

        /** CPU this replica may promise to jobs at once; detected (cores x 1000) when unset. */
        Optional<Integer> capacityCpuMillis();

        /** Memory this replica may promise to jobs at once; detected (physical memory less the reserve) when unset. */
        Optional<Integer> capacityMemoryMib();

        /** Memory kept back for the platform, its database and the host when capacity is detected. */
        @WithDefault("1024")
        int reservedMemoryMib();

        /** Wait before the first retry; each further retry waits twice as long, up to the maximum. */
        @WithDefault("2s")
        Duration retryBackoff();

        @WithDefault("5m")
        Duration retryBackoffMax();

        /** On SIGTERM, how long running jobs may go on before they are stopped. */
        @WithDefault("30s")
        Duration shutdownGrace();

        /** Names this replica in the jobs it claims; kept in the data directory when unset. */
        Optional<String> replicaId();
    }

    /**
     * Engine replicas' leases. A replica silent for {@link #duration} has its attempts ended as
     * lost (retried when retries are left) by whichever replica's reaper sees it first; it renews
     * every {@link #renewInterval}, so it can miss a couple of renewals (a long GC pause, a slow
     * database) without losing its jobs.
     */
    interface Lease {
        @WithDefault("10s")
        Duration duration();

        @WithDefault("3s")
        Duration renewInterval();

        /** How often every replica looks for attempts of expired leases. */
        @WithDefault("2s")
        Duration reapInterval();
    }

    interface Logs {
        /** Logs of jobs that finished longer ago are deleted. */
        @WithDefault("7d")
        Duration retention();

        /** How often retention and expired idempotency keys are swept. */
        @WithDefault("1m")
        Duration sweepInterval();
    }

    interface Images {
        /** Registry hosts ({@code host[:port]}) reached over plain HTTP; every other registry needs HTTPS. */
        Optional<List<String>> insecureRegistries();

        @WithDefault("/usr/bin/skopeo")
        Path skopeo();

        /** A containers-auth.json with registry credentials, for private registries. */
        Optional<Path> authFile();

        /** Ceiling on an import body and on the unpacked size of one image. */
        @WithDefault("8589934592")
        long maxImageBytes();

        /** How long one pull may take. */
        @WithDefault("30m")
        Duration pullTimeout();

        /** How often images nothing uses are collected (also after every delete). */
        @WithDefault("1h")
        Duration gcInterval();

        /** Content younger than this is never collected, so a pull being entered in the catalog is safe. */
        @WithDefault("10m")
        Duration gcGrace();
    }

    /**
     * The registry tenants push to and engine replicas fetch from; Berth is its token service.
     * {@code ./berth up} runs one on loopback; production names an external one.
     */
    interface Registry {
        /** {@code host[:port]} as clients and engine replicas reach it; without it tenants have no registry. */
        Optional<String> host();

        /** Whether {@link #host} speaks plain HTTP (the embedded registry on loopback does). */
        @WithDefault("false")
        boolean plainHttp();

        /** The registry's {@code auth.token.service}: the audience of every token. */
        @WithDefault("berth-registry")
        String service();

        /** The registry's {@code auth.token.issuer}. */
        @WithDefault("berth")
        String tokenIssuer();

        /** Holds {@code registry-token.key} and {@code registry-token.crt} (the registry's {@code rootcertbundle}); {@code <data-dir>/keys} when unset. */
        Optional<Path> tokenKeyDir();

        @WithDefault("5m")
        Duration tokenLifetime();

        /** Images platform admins push and every tenant may pull, e.g. {@code platform/python:3.11}. */
        @WithDefault("platform")
        String platformNamespace();
    }
}
