package dev.berth.policy.egress;

import java.util.List;

/**
 * Destinations no egress job ever reaches, whatever an allow-list says: "this" network and
 * loopback, link-local (cloud metadata services at 169.254.169.254 and fd00:ec2::254 among them),
 * multicast and broadcast, the unspecified and IPv4-mapped IPv6 ranges. The engine adds the
 * host's own addresses and the platform's networks, which only it knows.
 */
public final class AlwaysDenied {

    public static final List<Cidr> NETWORKS = List.of(
            cidr("0.0.0.0/8"), cidr("127.0.0.0/8"), cidr("169.254.0.0/16"), cidr("224.0.0.0/4"), cidr("255.255.255.255"),
            cidr("::"), cidr("::1"), cidr("::ffff:0:0/96"), cidr("fe80::/10"), cidr("fd00:ec2::254"), cidr("ff00::/8"));

    private AlwaysDenied() {
    }

    /** Whether every address of {@code network} is denied anyway, so allowing it allows nothing. */
    public static boolean covers(Cidr network) {
        return NETWORKS.stream().anyMatch(denied -> denied.contains(network));
    }

    private static Cidr cidr(String text) {
        return Cidr.parse(text).orElseThrow();
    }
}
