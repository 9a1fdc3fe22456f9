package dev.berth.policy.tenant;

/** The most one job of a tenant may ask for; an absent value leaves the platform ceiling in force. */
public record PerJobMaxima(Integer cpuMillis, Integer memoryMiB, Integer pids, Integer scratchMiB) {

    public static final PerJobMaxima NONE = new PerJobMaxima(null, null, null, null);
}
