package dev.berth.policy.egress;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One allowed destination of an {@code egress} job, as an admin writes it into a tenant policy
 * or a job narrows it: an IPv4/IPv6 address or CIDR, or a lower-case host name; {@code ports} as
 * {@code 443} or {@code 8000-8100} (every port when absent); {@code protocol} {@code tcp} (the
 * default) or {@code udp}. {@link EgressRules} checks the syntax wherever a rule is accepted.
 */
public record EgressRule(String destination, String ports, String protocol) {

    public static final String TCP = "tcp";
    public static final String UDP = "udp";

    /** The protocol a rule applies to; TCP when the rule names none. */
    public String effectiveProtocol() {
        return protocol == null ? TCP : protocol;
    }

    /** The ports a rule allows; every port when the rule names none. Only for a rule {@link EgressRules} accepted. */
    public PortRange portRange() {
        return ports == null ? PortRange.ALL : PortRange.parse(ports).orElseThrow();
    }

    /**
     * Whether the destination is a host name rather than an address or network. Not a property of
     * the rule's JSON (the plan, the job view, the stored policy), and ignored where old rows carry it.
     */
    @JsonIgnore
    public boolean isHostName() {
        return Cidr.parse(destination).isEmpty();
    }

    /** The rule with its defaults spelled out, as the plan and the job view show it. */
    public EgressRule normalized() {
        String network = Cidr.parse(destination).map(Cidr::toString).orElse(destination);
        return new EgressRule(network, portRange().toString(), effectiveProtocol());
    }

    @Override
    public String toString() {
        return effectiveProtocol() + " " + destination + ":" + portRange();
    }
}
