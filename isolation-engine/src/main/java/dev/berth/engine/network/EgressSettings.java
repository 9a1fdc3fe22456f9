package dev.berth.engine.network;

import dev.berth.policy.egress.Cidr;
import java.nio.file.Path;
import java.util.List;

/**
 * How the engine gives egress jobs their network.
 *
 * @param uplink           where pasta connects jobs to
 * @param platformNetworks networks of the platform itself (its database, identity provider, other
 *                         replicas) that no job may reach, in addition to the uplink's own addresses
 * @param nsenter          util-linux nsenter, to run nft and the resolver inside a job's namespaces
 * @param nft              the nftables command
 * @param dnsmasq          the resolver each job gets on its own loopback
 */
public record EgressSettings(EgressUplink uplink, List<Cidr> platformNetworks, Path nsenter, Path nft, Path dnsmasq) {

    public static final Path PASTA = Path.of("/usr/bin/pasta");

    public EgressSettings {
        platformNetworks = List.copyOf(platformNetworks);
    }

    /** Jobs leave through this host's own network; the Debian paths of the tools (host setup installs them). */
    public static EgressSettings host(List<Cidr> platformNetworks) {
        return new EgressSettings(new HostUplink(PASTA.toString()), platformNetworks, Path.of("/usr/bin/nsenter"), Path.of("/usr/sbin/nft"),
                Path.of("/usr/sbin/dnsmasq"));
    }

    public EgressSettings withUplink(EgressUplink other) {
        return new EgressSettings(other, platformNetworks, nsenter, nft, dnsmasq);
    }

    public EgressSettings withNft(Path other) {
        return new EgressSettings(uplink, platformNetworks, nsenter, other, dnsmasq);
    }
}
