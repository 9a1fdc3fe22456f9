package dev.berth.engine.network;

import dev.berth.policy.egress.EgressRule;
import java.util.List;
import java.util.Map;

/**
 * What an egress job may reach, as put in force: the allowed destinations, the addresses each
 * allowed host name was pinned to when the job started (for the job's lifetime), and every
 * network refused whatever the list says.
 */
public record EgressView(List<EgressRule> allowed, Map<String, List<String>> pinned, List<String> alwaysDenied) {

    public EgressView {
        allowed = List.copyOf(allowed);
        pinned = Map.copyOf(pinned);
        alwaysDenied = List.copyOf(alwaysDenied);
    }
}
