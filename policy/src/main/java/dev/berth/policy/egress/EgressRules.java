package dev.berth.policy.egress;

import java.util.ArrayList;
import java.util.List;

/**
 * The syntax and containment checks of egress rules, shared by tenant policies (where the admin
 * writes the allow-list) and job requests (where a job narrows it).
 */
public final class EgressRules {

    /** At most this many entries in one list: each becomes rules the kernel checks on every packet. */
    public static final int MAX_RULES = 64;
    private static final int MAX_HOST_NAME = 253;

    /** A problem found in one entry: the field (relative to the list, such as {@code [2].ports}) and what to do. */
    public record Problem(String field, String message) {
    }

    private EgressRules() {
    }

    public static List<Problem> check(List<EgressRule> rules) {
        List<Problem> problems = new ArrayList<>();
        if (rules.size() > MAX_RULES) {
            problems.add(new Problem("", "at most " + MAX_RULES + " entries, got " + rules.size()));
        }
        for (int i = 0; i < rules.size(); i++) {
            EgressRule rule = rules.get(i);
            String at = "[" + i + "]";
            if (rule == null) {
                problems.add(new Problem(at, "an entry must be an object with a destination"));
                continue;
            }
            String destination = rule.destination();
            if (destination == null || (Cidr.parse(destination).isEmpty() && !isHostName(destination))) {
                problems.add(new Problem(at + ".destination", "an IPv4 or IPv6 address or CIDR such as 203.0.113.0/24 (host bits zero), "
                        + "or a lower-case host name such as api.example.com"));
            }
            if (rule.ports() != null && PortRange.parse(rule.ports()).isEmpty()) {
                problems.add(new Problem(at + ".ports", "a port such as 443 or a range such as 8000-8100 (1-65535), or leave it out for all"));
            }
            if (rule.protocol() != null && !rule.protocol().equals(EgressRule.TCP) && !rule.protocol().equals(EgressRule.UDP)) {
                problems.add(new Problem(at + ".protocol", "\"tcp\" or \"udp\", or leave it out for tcp"));
            }
        }
        return problems;
    }

    /** Whether a checked rule allows nothing, because the platform denies all of it anyway. */
    public static boolean alwaysDenied(EgressRule rule) {
        return Cidr.parse(rule.destination()).map(AlwaysDenied::covers).orElse(false);
    }

    /**
     * Whether a job's checked entry lies inside a checked policy entry: the same protocol, a network
     * inside the policy's network (or the same host name), and ports inside the policy's ports.
     */
    public static boolean within(EgressRule narrow, EgressRule wide) {
        if (!narrow.effectiveProtocol().equals(wide.effectiveProtocol()) || !wide.portRange().contains(narrow.portRange())) {
            return false;
        }
        var narrowNetwork = Cidr.parse(narrow.destination());
        var wideNetwork = Cidr.parse(wide.destination());
        if (narrowNetwork.isPresent() != wideNetwork.isPresent()) {
            return false;
        }
        return narrowNetwork.isPresent() ? wideNetwork.get().contains(narrowNetwork.get()) : narrow.destination().equals(wide.destination());
    }

    /** Lower-case LDH labels of 1-63 characters separated by dots, up to 253 in all, not an address look-alike. */
    static boolean isHostName(String name) {
        if (name.isEmpty() || name.length() > MAX_HOST_NAME || Cidr.looksLikeAddress(name)) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }
}
