package dev.berth.engine.network;

import dev.berth.policy.egress.Cidr;
import dev.berth.policy.egress.PortRange;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one nftables table that decides what an egress job's packets may reach, written exactly as
 * {@code nft list ruleset} prints it back, so the read-back compares text with text. Order matters:
 * the job's own loopback, IPv6 neighbour discovery (without it no IPv6 packet leaves), every denied
 * network, then one accept per allowed network and port range; anything else is rejected at once
 * (a connection refused, not a hang) and the chain's policy drops whatever slips past.
 */
public final class NftRuleset {

    static final String TABLE = "berth_egress";

    /** An allowed destination: a network, a protocol and ports. */
    public record Allowed(Cidr network, String protocol, PortRange ports) {
    }

    private NftRuleset() {
    }

    public static String render(List<Cidr> denied, List<Allowed> allowed) {
        StringBuilder text = new StringBuilder();
        text.append("table inet ").append(TABLE).append(" {\n");
        text.append("\tchain output {\n");
        text.append("\t\ttype filter hook output priority filter; policy drop;\n");
        text.append("\t\toif \"lo\" accept\n");
        text.append("\t\ticmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept\n");
        for (Cidr network : denied) {
            text.append("\t\t").append(family(network)).append(" daddr ").append(network).append(" reject with ")
                    .append(network.isIpv4() ? "icmp" : "icmpv6").append(" port-unreachable\n");
        }
        for (Allowed rule : allowed) {
            text.append("\t\t").append(family(rule.network())).append(" daddr ").append(rule.network()).append(' ')
                    .append(rule.protocol()).append(" dport ").append(rule.ports()).append(" accept\n");
        }
        text.append("\t\treject\n");
        text.append("\t}\n");
        text.append("}\n");
        return text.toString();
    }

    /** Differences between what was installed and what the kernel reports, line by line; empty when they agree. */
    static List<String> differences(String installed, String listed) {
        List<String> want = lines(installed);
        List<String> have = lines(listed);
        if (want.equals(have)) {
            return List.of();
        }
        List<String> missing = want.stream().filter(line -> !have.contains(line)).toList();
        List<String> extra = have.stream().filter(line -> !want.contains(line)).toList();
        return List.of("the kernel's nftables ruleset differs from the one installed: missing [" + String.join("; ", missing)
                + "], unexpected [" + String.join("; ", extra) + "]" + (missing.isEmpty() && extra.isEmpty() ? " (order differs)" : ""));
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).collect(Collectors.toList());
    }

    private static String family(Cidr network) {
        return network.isIpv4() ? "ip" : "ip6";
    }
}
