package dev.berth.api.jobs;

import dev.berth.api.config.BerthConfig;
import dev.berth.engine.network.EgressSettings;
import dev.berth.engine.network.EgressUplink;
import dev.berth.engine.testing.EgressLab;
import dev.berth.policy.egress.Cidr;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The platform's egress settings with an uplink a test chooses per job: {@link EgressLab}'s
 * servers (the default), or this host's own network, as in production. The tools are the host's,
 * as in production; no platform networks are configured.
 */
@Alternative
@ApplicationScoped
public class LabEgressSettings {

    /** The uplink of the jobs started from now on. */
    static volatile EgressUplink uplink;
    private static EgressLab lab;
    private static EgressUplink host;

    @Produces
    @Singleton
    EgressSettings egressSettings(BerthConfig config) throws IOException {
        EgressSettings production = EgressSettings.host(List.of());
        Path www = Files.createDirectories(config.dataDir().resolve("lab-www"));
        lab = EgressLab.serving(www);
        host = production.uplink();
        uplink = lab;
        return production.withUplink(new Chosen());
    }

    static void throughTheLab() {
        uplink = lab;
    }

    static void throughTheHost() {
        uplink = host;
    }

    private static final class Chosen implements EgressUplink {

        @Override
        public Process startPasta(long pid, List<String> options) throws IOException {
            return uplink.startPasta(pid, options);
        }

        @Override
        public List<Cidr> ownAddresses() throws IOException {
            return uplink.ownAddresses();
        }

        @Override
        public List<InetAddress> resolve(String hostName) {
            return uplink.resolve(hostName);
        }

        @Override
        public List<Path> programs() {
            return uplink.programs();
        }
    }
}
