package dev.berth.api.replica;

import dev.berth.api.config.BerthConfig;
import dev.berth.engine.network.EgressSettings;
import dev.berth.policy.egress.Cidr;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * How this replica's egress jobs leave: through this host's own network, never reaching the
 * platform networks of {@code berth.engine.egress-platform-networks}. A bean of its own so a test
 * can put a lab uplink in its place (the host's own uplink refuses every address a test could serve on).
 */
@ApplicationScoped
public class EgressSettingsProducer {

    @Produces
    @Singleton
    EgressSettings egressSettings(BerthConfig config) {
        return EgressSettings.host(platformNetworks(config.engine().egressPlatformNetworks().orElse(List.of())));
    }

    private static List<Cidr> platformNetworks(List<String> configured) {
        return configured.stream().map(text -> Cidr.parse(text.strip()).orElseThrow(() -> new IllegalArgumentException(
                "berth.engine.egress-platform-networks: " + text + " is not an address or CIDR with zero host bits, such as 10.20.0.0/16")))
                .toList();
    }
}
